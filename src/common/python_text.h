#pragma once
// Python's text forms of floats and JSON strings, shared by everything that must write bytes the
// reference (Python) writes: results files (json.dumps) and chat templates (repr, tojson).
#include <string>
#include <string_view>

namespace rb {

// repr(float): shortest round-trip digits, "1.0" not "1", "1e+16", "1.5e-05", "-0.0", "nan", "inf".
std::string python_float_repr(double value);

// json.dumps of a float: as repr, except NaN, Infinity and -Infinity.
std::string python_json_float(double value);

// json.dumps of a str, quotes included. ensure_ascii escapes everything outside ' '..'~' as \uXXXX
// (surrogate pairs above U+FFFF, lowercase hex); otherwise only '"', '\\' and control characters
// are escaped. Ill-formed UTF-8 becomes U+FFFD (a Python str cannot hold it).
void append_python_json_string(std::string& out, std::string_view text, bool ensure_ascii);

}  // namespace rb

#pragma once
// JSON text byte-identical to Python's json.dumps, which wrote the reference's files:
// float repr (shortest round-trip digits, "1.0" not "1", "1e-05", "1e+16"), NaN/Infinity,
// ensure_ascii escapes (\uXXXX, lowercase hex, surrogate pairs), separators ", " and ": "
// without indent and "," plus newline with it, and sort_keys by code point.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/python_text.h"

namespace rb::report {

using Json = nlohmann::ordered_json;

struct PythonJsonStyle {
  std::optional<int> indent;  // json.dumps(indent=...); nullopt = one line
  bool sort_keys = false;
  bool ensure_ascii = true;   // Python's default
};

// repr(float): "0.1", "1.0", "-0.0", "1e+16", "1.5e-05", "nan", "inf", "-inf" (common/python_text.h).
using rb::python_float_repr;

// json.dumps(value, indent=..., sort_keys=..., ensure_ascii=...). Floats go through
// python_float_repr (NaN, Infinity and -Infinity as Python writes them); integers as integers.
std::string python_json_dumps(const Json& value, const PythonJsonStyle& style = {});

}  // namespace rb::report

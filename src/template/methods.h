#pragma once
// The Python methods templates call on values: str (strip, split, startswith, format, ...),
// dict (items, keys, values, get) and list/tuple (index, count). Mutating methods are refused
// the way ImmutableSandboxedEnvironment refuses them: an "unsafe" Undefined that raises
// SecurityError when called.
#include <string>

#include "template/value.h"

namespace rb::tmpl {

// A bound method of `object` named `name`; a plain Undefined when there is none.
Value bound_method(const Value& object, const std::string& name);

// Python str.format with positional and keyword fields ("{}", "{0}", "{name}", "{{", "}}").
std::string python_str_format(const std::string& format, const CallArgs& args);

}  // namespace rb::tmpl

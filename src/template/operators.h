#pragma once
// Python semantics for the operators, subscripts and attribute lookups jinja2 delegates to
// Python, with ImmutableSandboxedEnvironment's rules (no private attributes, no mutating methods).
#include <string>

#include "template/value.h"

namespace rb::tmpl {

// + - * / // % ** ~ on two values (and/or are short-circuited by the evaluator).
Value binary_operation(const std::string& op, const Value& left, const Value& right);
Value negate(const Value& operand);
Value unary_plus(const Value& operand);
// Python `item in container`.
bool contains(const Value& container, const Value& item);
// Python `left <op> right` for == != < <= > >=.
bool compare_values(const std::string& op, const Value& left, const Value& right);

// jinja2's environment.getattr: attribute (methods) first, then item.
Value get_attribute(const Value& object, const std::string& name);
// jinja2's environment.getitem: item first, then attribute for string keys.
Value get_item(const Value& object, const Value& key);
// Python slicing object[start:stop:step] on str, list and tuple (null parts are Undefined).
Value slice_value(const Value& object, const Value& start, const Value& stop, const Value& step);
// Calls a callable value (global, macro, bound method, loop.cycle, ...).
Value call_value(const Value& callee, const CallArgs& args);

// Python's "%" string formatting (printf style) used by `"..." % x` and the `format` filter.
std::string percent_format(const std::string& format, const Value& args);

}  // namespace rb::tmpl

// jinja2's built-in tests (jinja2/tests.py, 3.1): `x is defined`, `x is string`, ...
#include <cmath>
#include <map>

#include "template/builtins.h"
#include "template/operators.h"
#include "template/strings.h"

namespace rb::tmpl {
namespace {

using TestFunction = bool (*)(const Value&, const CallArgs&);

const Value& required(const CallArgs& a, const char* test) {
  if (a.positional.empty()) throw RenderError("TypeError", std::string(test) + "() missing 1 required positional argument");
  return a.positional[0];
}

bool integer_like(const Value& v) { return v.is_int() || v.is_bool(); }

bool t_odd(const Value& v, const CallArgs&) {
  if (v.is_undefined()) v.fail_undefined();
  if (!v.is_number()) throw RenderError("TypeError", "unsupported operand type(s) for %: '" + v.type_name() + "' and 'int'");
  return v.is_float() ? std::fmod(std::fabs(v.as_double()), 2.0) == 1.0 : (v.as_int() % 2 != 0);
}
bool t_even(const Value& v, const CallArgs& a) {
  if (v.is_float()) return std::fmod(std::fabs(v.as_double()), 2.0) == 0.0;
  return !t_odd(v, a);
}
bool t_divisibleby(const Value& v, const CallArgs& a) {
  Value r = binary_operation("%", v, required(a, "divisibleby"));
  return r.as_double() == 0.0;
}
bool t_defined(const Value& v, const CallArgs&) { return !v.is_undefined(); }
bool t_undefined(const Value& v, const CallArgs&) { return v.is_undefined(); }
bool t_filter(const Value& v, const CallArgs&) { return v.is_string() && has_filter(v.as_string()); }
bool t_test(const Value& v, const CallArgs&) { return v.is_string() && has_test(v.as_string()); }
bool t_none(const Value& v, const CallArgs&) { return v.is_none(); }
bool t_boolean(const Value& v, const CallArgs&) { return v.is_bool(); }
bool t_false(const Value& v, const CallArgs&) { return v.is_bool() && !v.as_bool(); }
bool t_true(const Value& v, const CallArgs&) { return v.is_bool() && v.as_bool(); }
bool t_integer(const Value& v, const CallArgs&) { return v.is_int(); }
bool t_float(const Value& v, const CallArgs&) { return v.is_float(); }
bool t_lower(const Value& v, const CallArgs&) {
  std::string s = v.to_str();
  return pystr::lower(s) == s && pystr::upper(s) != s;
}
bool t_upper(const Value& v, const CallArgs&) {
  std::string s = v.to_str();
  return pystr::upper(s) == s && pystr::lower(s) != s;
}
bool t_string(const Value& v, const CallArgs&) { return v.is_string(); }
bool t_mapping(const Value& v, const CallArgs&) { return v.is_dict(); }
bool t_number(const Value& v, const CallArgs&) { return v.is_number(); }
bool t_sequence(const Value& v, const CallArgs&) {
  return v.is_string() || v.is_sequence() || v.is_dict() || v.is_undefined();
}
bool t_iterable(const Value& v, const CallArgs&) {
  return v.is_string() || v.is_sequence() || v.is_dict() || v.is_undefined();
}
bool t_callable(const Value& v, const CallArgs&) { return v.is_callable() || v.is_undefined(); }
bool t_sameas(const Value& v, const CallArgs& a) {
  const Value& other = required(a, "sameas");
  if (v.kind() != other.kind()) return false;
  if (v.is_none() || v.is_bool() || v.is_int() || v.is_string()) return v.equals(other);
  return false;
}
bool t_escaped(const Value& v, const CallArgs&) { return v.is_markup(); }
bool t_in(const Value& v, const CallArgs& a) { return contains(required(a, "in"), v); }
bool t_eq(const Value& v, const CallArgs& a) { return v.equals(required(a, "eq")); }
bool t_ne(const Value& v, const CallArgs& a) { return !v.equals(required(a, "ne")); }
bool t_lt(const Value& v, const CallArgs& a) { return compare_values("<", v, required(a, "lt")); }
bool t_le(const Value& v, const CallArgs& a) { return compare_values("<=", v, required(a, "le")); }
bool t_gt(const Value& v, const CallArgs& a) { return compare_values(">", v, required(a, "gt")); }
bool t_ge(const Value& v, const CallArgs& a) { return compare_values(">=", v, required(a, "ge")); }

const std::map<std::string, TestFunction>& test_table() {
  static const std::map<std::string, TestFunction> table = {
      {"odd", t_odd},         {"even", t_even},         {"divisibleby", t_divisibleby}, {"defined", t_defined},
      {"undefined", t_undefined}, {"filter", t_filter}, {"test", t_test},               {"none", t_none},
      {"boolean", t_boolean}, {"false", t_false},       {"true", t_true},               {"integer", t_integer},
      {"float", t_float},     {"lower", t_lower},       {"upper", t_upper},             {"string", t_string},
      {"mapping", t_mapping}, {"number", t_number},     {"sequence", t_sequence},       {"iterable", t_iterable},
      {"callable", t_callable}, {"sameas", t_sameas},   {"escaped", t_escaped},         {"in", t_in},
      {"==", t_eq},           {"eq", t_eq},             {"equalto", t_eq},              {"!=", t_ne},
      {"ne", t_ne},           {">", t_gt},              {"gt", t_gt},                   {"greaterthan", t_gt},
      {">=", t_ge},           {"ge", t_ge},             {"<", t_lt},                    {"lt", t_lt},
      {"lessthan", t_lt},     {"<=", t_le},             {"le", t_le},
  };
  return table;
}

}  // namespace

bool has_test(const std::string& name) { return test_table().count(name) > 0; }

bool apply_test(const std::string& name, const Value& subject, const CallArgs& args) {
  auto it = test_table().find(name);
  if (it == test_table().end()) throw RenderError("TemplateAssertionError", "No test named '" + name + "'.");
  return it->second(subject, args);
}

}  // namespace rb::tmpl

#include "template/operators.h"

#include <cmath>
#include <cstdio>
#include <optional>

#include "common/utf8.h"
#include "template/methods.h"
#include "template/unicode_chars.h"

namespace rb::tmpl {
namespace {

[[noreturn]] void unsupported(const std::string& op, const Value& left, const Value& right) {
  throw RenderError("TypeError", "unsupported operand type(s) for " + op + ": '" + left.type_name() + "' and '" +
                                     right.type_name() + "'");
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Python's float divmod (Objects/floatobject.c): the remainder takes the divisor's sign, zero
// results keep signed zeros, and the quotient is floored with Python's rounding correction.
std::pair<double, double> float_divmod(double a, double b) {
  double mod = std::fmod(a, b);
  double div = (a - mod) / b;
  if (mod != 0.0) {
    if ((b < 0) != (mod < 0)) {
      mod += b;
      div -= 1.0;
    }
  } else {
    mod = std::copysign(0.0, b);
  }
  double floordiv;
  if (div != 0.0) {
    floordiv = std::floor(div);
    if (div - floordiv > 0.5) floordiv += 1.0;
  } else {
    floordiv = std::copysign(0.0, a / b);
  }
  return {floordiv, mod};
}

// Strings and lists built by operators are capped so that `'x' * 10**12` or a doubling loop
// fails cleanly instead of exhausting memory before the output limit is reached.
constexpr std::size_t kMaxBuiltSize = std::size_t{256} << 20;

void check_built_size(std::size_t size) {
  if (size > kMaxBuiltSize) {
    throw RenderError("MemoryLimitError", "value larger than " + std::to_string(kMaxBuiltSize) + " bytes/items");
  }
}

Value repeat(const Value& sequence, std::int64_t times) {
  if (times > 0) {
    std::size_t unit = sequence.is_string() ? sequence.as_string().size() : sequence.as_list().size();
    if (unit > 0 && static_cast<std::size_t>(times) > kMaxBuiltSize / unit) check_built_size(kMaxBuiltSize + 1);
  }
  if (sequence.is_string()) {
    std::string out;
    for (std::int64_t i = 0; i < times; ++i) out += sequence.as_string();
    return Value::string(std::move(out));
  }
  ValueList out;
  for (std::int64_t i = 0; i < times; ++i) out.insert(out.end(), sequence.as_list().begin(), sequence.as_list().end());
  return sequence.is_tuple() ? Value::tuple(std::move(out)) : Value::list(std::move(out));
}

Value arithmetic(const std::string& op, const Value& l, const Value& r) {
  bool floats = l.is_float() || r.is_float();
  if (op == "+") return floats ? Value::floating(l.as_double() + r.as_double()) : Value::integer(l.as_int() + r.as_int());
  if (op == "-") return floats ? Value::floating(l.as_double() - r.as_double()) : Value::integer(l.as_int() - r.as_int());
  if (op == "*") return floats ? Value::floating(l.as_double() * r.as_double()) : Value::integer(l.as_int() * r.as_int());
  if (op == "/") {
    if (r.as_double() == 0.0) throw RenderError("ZeroDivisionError", "division by zero");
    return Value::floating(l.as_double() / r.as_double());
  }
  if (op == "//" || op == "%") {
    if (r.as_double() == 0.0) throw RenderError("ZeroDivisionError", "integer division or modulo by zero");
    if (floats) {
      auto [quotient, remainder] = float_divmod(l.as_double(), r.as_double());
      return Value::floating(op == "%" ? remainder : quotient);
    }
    std::int64_t q = floor_div(l.as_int(), r.as_int());
    return op == "//" ? Value::integer(q) : Value::integer(l.as_int() - q * r.as_int());
  }
  // "**"
  if (!floats && r.as_int() >= 0) {
    std::int64_t result = 1, base = l.as_int();
    for (std::int64_t e = r.as_int(); e > 0; --e) result *= base;
    return Value::integer(result);
  }
  return Value::floating(std::pow(l.as_double(), r.as_double()));
}

std::int64_t normalize_index(std::int64_t index, std::size_t size) {
  return index < 0 ? index + static_cast<std::int64_t>(size) : index;
}

Value index_sequence(const Value& object, std::int64_t index) {
  if (object.is_string()) {
    auto cps = utf8::decode(object.as_string());
    std::int64_t i = normalize_index(index, cps.size());
    if (i < 0 || i >= static_cast<std::int64_t>(cps.size())) {
      return Value::undefined("'str object' has no element " + std::to_string(index));
    }
    std::string ch;
    utf8::append(ch, cps[static_cast<std::size_t>(i)]);
    return Value::string(std::move(ch));
  }
  const ValueList& items = object.as_list();
  std::int64_t i = normalize_index(index, items.size());
  if (i < 0 || i >= static_cast<std::int64_t>(items.size())) {
    return Value::undefined("'" + object.type_name() + " object' has no element " + std::to_string(index));
  }
  return items[static_cast<std::size_t>(i)];
}

std::string object_description(const Value& object) {
  if (object.is_none()) return "'None'";
  return "'" + object.type_name() + " object'";
}

}  // namespace

Value binary_operation(const std::string& op, const Value& l, const Value& r) {
  if (op == "~") {
    if (l.undefined_is_unsafe()) l.fail_undefined();
    if (r.undefined_is_unsafe()) r.fail_undefined();
    std::string left = l.to_str(), right = r.to_str();
    check_built_size(left.size() + right.size());
    return Value::string(left + right);
  }
  if (op == "%" && l.is_string() && !r.undefined_is_unsafe()) return Value::string(percent_format(l.as_string(), r));
  if (l.is_undefined()) l.fail_undefined();
  if (r.is_undefined()) r.fail_undefined();
  if (l.is_number() && r.is_number()) return arithmetic(op, l, r);
  if (op == "+") {
    if (l.is_markup() || r.is_markup()) {
      // Markup.__add__/__radd__ escape the plain operand.
      if (l.is_string() && r.is_string()) {
        return Value::markup((l.is_markup() ? l.as_string() : html_escape(l.as_string())) +
                             (r.is_markup() ? r.as_string() : html_escape(r.as_string())));
      }
    }
    if (l.is_string() && r.is_string()) {
      check_built_size(l.as_string().size() + r.as_string().size());
      return Value::string(l.as_string() + r.as_string());
    }
    if (l.kind() == r.kind() && l.is_sequence()) {
      check_built_size(l.as_list().size() + r.as_list().size());
      ValueList out = l.as_list();
      out.insert(out.end(), r.as_list().begin(), r.as_list().end());
      return l.is_tuple() ? Value::tuple(std::move(out)) : Value::list(std::move(out));
    }
  }
  if (op == "*") {
    if ((l.is_string() || l.is_sequence()) && (r.is_int() || r.is_bool())) return repeat(l, r.as_int());
    if ((r.is_string() || r.is_sequence()) && (l.is_int() || l.is_bool())) return repeat(r, l.as_int());
  }
  if (op == "%" && l.is_string()) return Value::string(percent_format(l.as_string(), r));
  unsupported(op, l, r);
}

Value negate(const Value& v) {
  if (v.is_undefined()) v.fail_undefined();
  if (v.is_float()) return Value::floating(-v.as_double());
  if (v.is_number()) return Value::integer(-v.as_int());
  throw RenderError("TypeError", "bad operand type for unary -: '" + v.type_name() + "'");
}

Value unary_plus(const Value& v) {
  if (v.is_undefined()) v.fail_undefined();
  if (v.is_float()) return v;
  if (v.is_number()) return Value::integer(v.as_int());
  throw RenderError("TypeError", "bad operand type for unary +: '" + v.type_name() + "'");
}

bool contains(const Value& container, const Value& item) {
  switch (container.kind()) {
    case Value::Kind::Undefined:
      if (container.undefined_is_unsafe()) container.fail_undefined();
      return false;
    case Value::Kind::String:
      if (!item.is_string()) {
        throw RenderError("TypeError", "'in <string>' requires string as left operand, not " + item.type_name());
      }
      return container.as_string().find(item.as_string()) != std::string::npos;
    case Value::Kind::List:
    case Value::Kind::Tuple:
      for (const auto& element : container.as_list()) {
        if (element.equals(item)) return true;
      }
      return false;
    case Value::Kind::Dict:
      if (item.is_list() || item.is_dict() || item.is_namespace()) {
        throw RenderError("TypeError", "unhashable type: '" + item.type_name() + "'");
      }
      return container.as_dict().find(item) != nullptr;
    default:
      throw RenderError("TypeError", "argument of type '" + container.type_name() + "' is not iterable");
  }
}

bool compare_values(const std::string& op, const Value& l, const Value& r) {
  if (op == "==") return l.equals(r);
  if (op == "!=") return !l.equals(r);
  int c = l.compare(r);
  if (op == "<") return c < 0;
  if (op == "<=") return c <= 0;
  if (op == ">") return c > 0;
  return c >= 0;
}

Value get_attribute(const Value& object, const std::string& name) {
  if (object.is_undefined()) object.fail_undefined();
  // The sandbox refuses Python's dunder attributes; other names fall through to item lookup.
  if (name.size() > 4 && name.compare(0, 2, "__") == 0 && name.compare(name.size() - 2, 2, "__") == 0) {
    return Value::undefined("access to attribute '" + name + "' of '" + object.type_name() + "' object is unsafe.", true);
  }
  if (object.is_object()) return object.as_object().attribute(name);
  if (object.is_namespace()) {
    if (const Value* found = object.namespace_attributes().find(name)) return *found;
    return Value::undefined("'Namespace object' has no attribute '" + name + "'");
  }
  Value method = bound_method(object, name);
  if (!method.is_undefined() || method.undefined_is_unsafe()) return method;
  if (object.is_dict()) {
    if (const Value* found = object.as_dict().find(name)) return *found;
  }
  return Value::undefined(object_description(object) + " has no attribute '" + name + "'");
}

Value get_item(const Value& object, const Value& key) {
  if (object.is_undefined()) object.fail_undefined();
  if (object.is_dict()) {
    if (const Value* found = object.as_dict().find(key)) return *found;
  } else if ((object.is_string() || object.is_sequence()) && (key.is_int() || key.is_bool())) {
    return index_sequence(object, key.as_int());
  }
  if (key.is_string()) return get_attribute(object, key.as_string());
  std::string key_text = key.is_string() ? key.as_string() : key.repr();
  return Value::undefined(object_description(object) + " has no attribute " + key_text);
}

Value slice_value(const Value& object, const Value& start, const Value& stop, const Value& step) {
  if (object.is_undefined()) object.fail_undefined();
  auto as_index = [](const Value& v, const char* what) -> std::optional<std::int64_t> {
    if (v.is_undefined() || v.is_none()) return std::nullopt;
    if (!v.is_int() && !v.is_bool()) {
      throw RenderError("TypeError", std::string("slice ") + what + " must be an integer or None");
    }
    return v.as_int();
  };
  std::int64_t step_value = as_index(step, "step").value_or(1);
  if (step_value == 0) throw RenderError("ValueError", "slice step cannot be zero");
  bool is_string = object.is_string();
  if (!is_string && !object.is_sequence()) {
    // jinja2 compiles slices to a plain Python subscript, so failures raise.
    if (object.is_dict()) throw RenderError("TypeError", "unhashable type: 'slice'");
    throw RenderError("TypeError", "'" + object.type_name() + "' object is not subscriptable");
  }
  std::vector<char32_t> cps;
  if (is_string) cps = utf8::decode(object.as_string());
  auto size = static_cast<std::int64_t>(is_string ? cps.size() : object.as_list().size());
  auto clamp = [&](std::optional<std::int64_t> v, std::int64_t default_value) {
    if (!v) return default_value;
    std::int64_t i = *v < 0 ? *v + size : *v;
    if (step_value > 0) return std::max<std::int64_t>(0, std::min(i, size));
    return std::max<std::int64_t>(-1, std::min(i, size - 1));
  };
  std::int64_t begin = clamp(as_index(start, "start"), step_value > 0 ? 0 : size - 1);
  std::int64_t end = clamp(as_index(stop, "stop"), step_value > 0 ? size : -1);
  std::vector<std::size_t> picked;
  for (std::int64_t i = begin; step_value > 0 ? i < end : i > end; i += step_value) {
    picked.push_back(static_cast<std::size_t>(i));
  }
  if (is_string) {
    std::string out;
    for (std::size_t i : picked) utf8::append(out, cps[i]);
    return Value::string(std::move(out));
  }
  ValueList out;
  for (std::size_t i : picked) out.push_back(object.as_list()[i]);
  return object.is_tuple() ? Value::tuple(std::move(out)) : Value::list(std::move(out));
}

Value call_value(const Value& callee, const CallArgs& args) {
  if (callee.is_undefined()) callee.fail_undefined();
  if (callee.kind() == Value::Kind::Callable) return callee.as_callable().function(args);
  if (callee.is_object()) return callee.as_object().call(args);
  throw RenderError("TypeError", "'" + callee.type_name() + "' object is not callable");
}

std::string percent_format(const std::string& format, const Value& args) {
  ValueList positional = args.is_tuple() ? args.as_list() : ValueList{args};
  std::size_t next = 0;
  std::string out;
  auto take = [&](const std::string& key) -> Value {
    if (!key.empty()) {
      if (!args.is_dict()) throw RenderError("TypeError", "format requires a mapping");
      const Value* found = args.as_dict().find(key);
      if (!found) throw RenderError("KeyError", "'" + key + "'");
      return *found;
    }
    if (next >= positional.size()) throw RenderError("TypeError", "not enough arguments for format string");
    return positional[next++];
  };
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      out += format[i];
      continue;
    }
    if (++i >= format.size()) throw RenderError("ValueError", "incomplete format");
    std::string key;
    if (format[i] == '(') {
      std::size_t close = format.find(')', i);
      if (close == std::string::npos) throw RenderError("ValueError", "incomplete format key");
      key = format.substr(i + 1, close - i - 1);
      i = close + 1;
    }
    std::string spec = "%";
    while (i < format.size() && std::string("-+ #0123456789.").find(format[i]) != std::string::npos) spec += format[i++];
    if (i >= format.size()) throw RenderError("ValueError", "incomplete format");
    char conversion = format[i];
    if (conversion == '%') {
      out += '%';
      continue;
    }
    Value v = take(key);
    char buffer[512];
    if (conversion == 's' || conversion == 'r') {
      std::string text = conversion == 's' ? v.to_str() : v.repr();
      std::snprintf(buffer, sizeof buffer, (spec + "s").c_str(), text.c_str());
      out += spec.size() == 1 ? text : std::string(buffer);
    } else if (conversion == 'd' || conversion == 'i') {
      if (!v.is_number()) throw RenderError("TypeError", "%d format: a real number is required, not " + v.type_name());
      std::snprintf(buffer, sizeof buffer, (spec + "lld").c_str(), static_cast<long long>(v.is_float() ? std::trunc(v.as_double()) : v.as_int()));
      out += buffer;
    } else if (std::string("fFeEgG").find(conversion) != std::string::npos) {
      if (!v.is_number()) throw RenderError("TypeError", "must be real number, not " + v.type_name());
      std::snprintf(buffer, sizeof buffer, (spec + conversion).c_str(), v.as_double());
      out += buffer;
    } else {
      throw RenderError("ValueError", std::string("unsupported format character '") + conversion + "'");
    }
  }
  // Python treats any object with __getitem__ (dict, list, Undefined) as a mapping: no leftover check.
  bool mapping_like = args.is_dict() || args.is_list() || args.is_undefined();
  if (!mapping_like && next < positional.size()) {
    throw RenderError("TypeError", "not all arguments converted during string formatting");
  }
  return out;
}

}  // namespace rb::tmpl

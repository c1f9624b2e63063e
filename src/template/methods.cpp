#include "template/methods.h"

#include <algorithm>
#include <set>

#include "common/utf8.h"
#include "template/strings.h"
#include "template/unicode_chars.h"

namespace rb::tmpl {
namespace {

std::optional<std::string> optional_string(const CallArgs& args, std::size_t index, const std::string& name) {
  const Value* v = args.get(index, name);
  if (!v || v->is_none()) return std::nullopt;
  if (!v->is_string()) throw RenderError("TypeError", "argument must be str or None, not " + v->type_name());
  return v->as_string();
}

std::string required_string(const CallArgs& args, std::size_t index, const std::string& name, const std::string& method) {
  const Value* v = args.get(index, name);
  if (!v) throw RenderError("TypeError", method + "() missing required argument '" + name + "'");
  if (!v->is_string()) throw RenderError("TypeError", method + "() argument must be str, not " + v->type_name());
  return v->as_string();
}

long optional_int(const CallArgs& args, std::size_t index, const std::string& name, long default_value) {
  const Value* v = args.get(index, name);
  if (!v) return default_value;
  if (!v->is_int() && !v->is_bool()) throw RenderError("TypeError", "an integer is required, not " + v->type_name());
  return static_cast<long>(v->as_int());
}

Value string_list(const std::vector<std::string>& parts) {
  ValueList out;
  for (const auto& part : parts) out.push_back(Value::string(part));
  return Value::list(std::move(out));
}

// startswith/endswith accept a string or a tuple of strings.
bool affix_matches(const std::string& text, const Value& affix, bool prefix) {
  auto one = [&](const Value& candidate) {
    if (!candidate.is_string()) {
      throw RenderError("TypeError", std::string(prefix ? "startswith" : "endswith") +
                                         " first arg must be str or a tuple of str, not " + candidate.type_name());
    }
    const std::string& a = candidate.as_string();
    if (a.size() > text.size()) return false;
    return prefix ? text.compare(0, a.size(), a) == 0 : text.compare(text.size() - a.size(), a.size(), a) == 0;
  };
  if (affix.is_tuple()) {
    return std::any_of(affix.as_list().begin(), affix.as_list().end(), one);
  }
  return one(affix);
}

template <typename Predicate>
bool all_code_points(const std::string& text, Predicate predicate) {
  auto cps = utf8::decode(text);
  return !cps.empty() && std::all_of(cps.begin(), cps.end(), predicate);
}

std::string pad(const std::string& text, long width, const std::string& fill, char where) {
  long length = static_cast<long>(utf8::length(text));
  if (width <= length) return text;
  long total = width - length;
  long left = where == 'l' ? 0 : where == 'r' ? total : total / 2 + (total & width & 1);
  std::string out;
  for (long i = 0; i < left; ++i) out += fill;
  out += text;
  for (long i = 0; i < total - left; ++i) out += fill;
  return out;
}

Value string_method(const std::string& s, const std::string& name) {
  using Fn = std::function<Value(const CallArgs&)>;
  Fn fn;
  if (name == "strip" || name == "lstrip" || name == "rstrip") {
    bool left = name != "rstrip", right = name != "lstrip";
    fn = [s, left, right](const CallArgs& a) { return Value::string(pystr::strip(s, optional_string(a, 0, "chars"), left, right)); };
  } else if (name == "split" || name == "rsplit") {
    bool reverse = name == "rsplit";
    fn = [s, reverse](const CallArgs& a) {
      auto sep = optional_string(a, 0, "sep");
      if (sep && sep->empty()) throw RenderError("ValueError", "empty separator");
      long maxsplit = optional_int(a, 1, "maxsplit", -1);
      return string_list(reverse ? pystr::rsplit(s, sep, maxsplit) : pystr::split(s, sep, maxsplit));
    };
  } else if (name == "splitlines") {
    fn = [s](const CallArgs& a) {
      const Value* keep = a.get(0, "keepends");
      return string_list(pystr::splitlines(s, keep && keep->truthy()));
    };
  } else if (name == "startswith" || name == "endswith") {
    bool prefix = name == "startswith";
    fn = [s, prefix, name](const CallArgs& a) {
      if (a.positional.empty()) throw RenderError("TypeError", name + "() takes at least 1 argument (0 given)");
      return Value::boolean(affix_matches(s, a.positional[0], prefix));
    };
  } else if (name == "upper") {
    fn = [s](const CallArgs&) { return Value::string(pystr::upper(s)); };
  } else if (name == "lower" || name == "casefold") {
    fn = [s](const CallArgs&) { return Value::string(pystr::lower(s)); };
  } else if (name == "title") {
    fn = [s](const CallArgs&) { return Value::string(pystr::title(s)); };
  } else if (name == "capitalize") {
    fn = [s](const CallArgs&) { return Value::string(pystr::capitalize(s)); };
  } else if (name == "replace") {
    fn = [s](const CallArgs& a) {
      return Value::string(pystr::replace(s, required_string(a, 0, "old", "replace"),
                                          required_string(a, 1, "new", "replace"), optional_int(a, 2, "count", -1)));
    };
  } else if (name == "find" || name == "rfind" || name == "index" || name == "rindex") {
    bool right = name[0] == 'r';
    bool raises = name.find("index") != std::string::npos;
    fn = [s, right, raises, name](const CallArgs& a) {
      long at = pystr::find(s, required_string(a, 0, "sub", name), right);
      if (at < 0 && raises) throw RenderError("ValueError", "substring not found");
      return Value::integer(at);
    };
  } else if (name == "count") {
    fn = [s](const CallArgs& a) { return Value::integer(pystr::count(s, required_string(a, 0, "sub", "count"))); };
  } else if (name == "format") {
    fn = [s](const CallArgs& a) { return Value::string(python_str_format(s, a)); };
  } else if (name == "join") {
    fn = [s](const CallArgs& a) {
      if (a.positional.empty()) throw RenderError("TypeError", "join() takes exactly one argument (0 given)");
      std::string out;
      bool first = true;
      for (const auto& item : a.positional[0].iterate()) {
        if (!item.is_string()) throw RenderError("TypeError", "sequence item: expected str instance, " + item.type_name() + " found");
        if (!first) out += s;
        out += item.as_string();
        first = false;
      }
      return Value::string(std::move(out));
    };
  } else if (name == "isdigit" || name == "isnumeric" || name == "isdecimal") {
    fn = [s](const CallArgs&) { return Value::boolean(all_code_points(s, unicode::is_digit)); };
  } else if (name == "isalpha") {
    fn = [s](const CallArgs&) { return Value::boolean(all_code_points(s, unicode::is_alpha)); };
  } else if (name == "isalnum") {
    fn = [s](const CallArgs&) {
      return Value::boolean(all_code_points(s, [](char32_t c) { return unicode::is_alpha(c) || unicode::is_digit(c); }));
    };
  } else if (name == "isspace") {
    fn = [s](const CallArgs&) { return Value::boolean(all_code_points(s, unicode::is_space)); };
  } else if (name == "isupper" || name == "islower") {
    bool want_upper = name == "isupper";
    fn = [s, want_upper](const CallArgs&) {
      bool cased = false;
      for (char32_t c : utf8::decode(s)) {
        if (unicode::to_upper(c) == c && unicode::to_lower(c) == c) continue;
        cased = true;
        if ((want_upper ? unicode::to_upper(c) : unicode::to_lower(c)) != c) return Value::boolean(false);
      }
      return Value::boolean(cased);
    };
  } else if (name == "center" || name == "ljust" || name == "rjust") {
    char where = name == "center" ? 'c' : name == "ljust" ? 'l' : 'r';
    fn = [s, where](const CallArgs& a) {
      auto fill = optional_string(a, 1, "fillchar");
      return Value::string(pad(s, optional_int(a, 0, "width", 0), fill.value_or(" "), where));
    };
  } else if (name == "zfill") {
    fn = [s](const CallArgs& a) {
      long width = optional_int(a, 0, "width", 0);
      long length = static_cast<long>(utf8::length(s));
      if (width <= length) return Value::string(s);
      std::string zeros(static_cast<std::size_t>(width - length), '0');
      if (!s.empty() && (s[0] == '-' || s[0] == '+')) return Value::string(s.substr(0, 1) + zeros + s.substr(1));
      return Value::string(zeros + s);
    };
  } else if (name == "removeprefix" || name == "removesuffix") {
    bool prefix = name == "removeprefix";
    fn = [s, prefix, name](const CallArgs& a) {
      std::string affix = required_string(a, 0, "prefix", name);
      if (affix_matches(s, Value::string(affix), prefix)) {
        return Value::string(prefix ? s.substr(affix.size()) : s.substr(0, s.size() - affix.size()));
      }
      return Value::string(s);
    };
  } else if (name == "partition" || name == "rpartition") {
    bool right = name == "rpartition";
    fn = [s, right, name](const CallArgs& a) {
      std::string sep = required_string(a, 0, "sep", name);
      std::size_t at = right ? s.rfind(sep) : s.find(sep);
      if (at == std::string::npos) {
        return right ? Value::tuple({Value::string(""), Value::string(""), Value::string(s)})
                     : Value::tuple({Value::string(s), Value::string(""), Value::string("")});
      }
      return Value::tuple({Value::string(s.substr(0, at)), Value::string(sep), Value::string(s.substr(at + sep.size()))});
    };
  } else {
    return Value();
  }
  return Value::callable("str." + name, std::move(fn));
}

Value dict_method(const Value& d, const std::string& name) {
  using Fn = std::function<Value(const CallArgs&)>;
  Fn fn;
  if (name == "items") {
    fn = [d](const CallArgs&) {
      ValueList out;
      for (const auto& [k, v] : d.as_dict().items) out.push_back(Value::tuple({k, v}));
      return Value::list(std::move(out));
    };
  } else if (name == "keys") {
    fn = [d](const CallArgs&) { return Value::list(d.iterate()); };
  } else if (name == "values") {
    fn = [d](const CallArgs&) {
      ValueList out;
      for (const auto& item : d.as_dict().items) out.push_back(item.second);
      return Value::list(std::move(out));
    };
  } else if (name == "get") {
    fn = [d](const CallArgs& a) {
      if (a.positional.empty()) throw RenderError("TypeError", "get expected at least 1 argument, got 0");
      if (const Value* found = d.as_dict().find(a.positional[0])) return *found;
      return a.positional.size() > 1 ? a.positional[1] : Value::none();
    };
  } else if (name == "copy") {
    fn = [d](const CallArgs&) { return Value::dict(d.as_dict()); };
  } else {
    return Value();
  }
  return Value::callable("dict." + name, std::move(fn));
}

Value sequence_method(const Value& list, const std::string& name) {
  using Fn = std::function<Value(const CallArgs&)>;
  Fn fn;
  if (name == "index") {
    fn = [list](const CallArgs& a) {
      if (a.positional.empty()) throw RenderError("TypeError", "index expected at least 1 argument, got 0");
      const auto& items = list.as_list();
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (items[i].equals(a.positional[0])) return Value::integer(static_cast<std::int64_t>(i));
      }
      throw RenderError("ValueError", a.positional[0].repr() + " is not in list");
    };
  } else if (name == "count") {
    fn = [list](const CallArgs& a) {
      if (a.positional.empty()) throw RenderError("TypeError", "count() takes exactly one argument (0 given)");
      return Value::integer(std::count_if(list.as_list().begin(), list.as_list().end(),
                                          [&](const Value& v) { return v.equals(a.positional[0]); }));
    };
  } else if (name == "copy" && list.is_list()) {
    fn = [list](const CallArgs&) { return Value::list(list.as_list()); };
  } else {
    return Value();
  }
  return Value::callable(list.type_name() + "." + name, std::move(fn));
}

bool is_mutating(const Value& object, const std::string& name) {
  static const std::set<std::string> list_mutators = {"append", "clear", "extend", "insert", "pop", "remove", "reverse", "sort"};
  static const std::set<std::string> dict_mutators = {"clear", "pop", "popitem", "setdefault", "update"};
  if (object.is_list()) return list_mutators.count(name) > 0;
  if (object.is_dict()) return dict_mutators.count(name) > 0;
  return false;
}

}  // namespace

Value bound_method(const Value& object, const std::string& name) {
  if (is_mutating(object, name)) {
    return Value::undefined("access to attribute '" + name + "' of '" + object.type_name() + "' object is unsafe.", true);
  }
  if (object.is_string()) return string_method(object.as_string(), name);
  if (object.is_dict()) return dict_method(object, name);
  if (object.is_sequence()) return sequence_method(object, name);
  return Value();
}

std::string python_str_format(const std::string& format, const CallArgs& args) {
  std::string out;
  std::size_t auto_index = 0;
  for (std::size_t i = 0; i < format.size(); ++i) {
    char c = format[i];
    if (c == '}') {
      if (i + 1 < format.size() && format[i + 1] == '}') ++i;
      out += '}';
      continue;
    }
    if (c != '{') {
      out += c;
      continue;
    }
    if (i + 1 < format.size() && format[i + 1] == '{') {
      out += '{';
      ++i;
      continue;
    }
    std::size_t close = format.find('}', i);
    if (close == std::string::npos) throw RenderError("ValueError", "Single '{' encountered in format string");
    std::string field = format.substr(i + 1, close - i - 1);
    i = close;
    std::string conversion;
    std::size_t bang = field.find('!');
    std::size_t colon = field.find(':');
    std::string key = field.substr(0, std::min(bang, colon));
    if (bang != std::string::npos) conversion = field.substr(bang + 1, colon == std::string::npos ? std::string::npos : colon - bang - 1);
    const Value* value = nullptr;
    if (key.empty()) {
      value = auto_index < args.positional.size() ? &args.positional[auto_index] : nullptr;
      ++auto_index;
    } else if (std::all_of(key.begin(), key.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
      std::size_t index = std::stoul(key);
      value = index < args.positional.size() ? &args.positional[index] : nullptr;
    } else {
      value = args.find_keyword(key);
    }
    if (!value) throw RenderError("IndexError", "Replacement index " + key + " out of range for positional args tuple");
    out += conversion == "r" ? value->repr() : value->to_str();
  }
  return out;
}

}  // namespace rb::tmpl

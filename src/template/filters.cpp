// jinja2's built-in filters (jinja2/filters.py, 3.1) plus Hugging Face's tojson override.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "common/utf8.h"
#include "template/builtins.h"
#include "template/json_dump.h"
#include "template/operators.h"
#include "template/strings.h"
#include "template/unicode_chars.h"

namespace rb::tmpl {
namespace {

using FilterFunction = Value (*)(const Value&, const CallArgs&);

// soft_str: the text a value prints as; Undefined is "" (an unsafe one raises).
std::string soft_str(const Value& v) {
  if (v.undefined_is_unsafe()) v.fail_undefined();
  return v.to_str();
}

bool bool_arg(const CallArgs& args, std::size_t index, const std::string& name, bool default_value) {
  const Value* v = args.get(index, name);
  return v ? v->truthy() : default_value;
}

const Value* arg(const CallArgs& args, std::size_t index, const std::string& name) {
  const Value* v = args.get(index, name);
  return v && !v->is_none() ? v : nullptr;
}

CallArgs rest_args(const CallArgs& args, std::size_t from) {
  CallArgs out;
  if (from < args.positional.size()) out.positional.assign(args.positional.begin() + static_cast<long>(from), args.positional.end());
  out.keyword = args.keyword;
  return out;
}

// jinja2's make_attrgetter: dotted path, integer parts as indexes, item lookup first.
Value attribute_path(const Value& item, const std::string& path) {
  Value current = item;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    bool numeric = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
    current = get_item(current, numeric ? Value::integer(std::stoll(part)) : Value::string(part));
    if (dot == std::string::npos) return current;
    start = dot + 1;
  }
}

Value attribute_or_default(const Value& item, const Value* attribute, const Value* default_value) {
  if (!attribute) return item;
  Value v = attribute->is_int() ? get_item(item, *attribute) : attribute_path(item, attribute->to_str());
  if (v.is_undefined() && default_value) return *default_value;
  return v;
}

Value fold_case(const Value& v, bool case_sensitive) {
  if (!case_sensitive && v.is_string()) return Value::string(pystr::lower(v.as_string()));
  return v;
}

ValueList iterate(const Value& v) { return v.iterate(); }

Value f_abs(const Value& v, const CallArgs&) {
  if (v.is_undefined()) v.fail_undefined();
  if (v.is_float()) return Value::floating(std::fabs(v.as_double()));
  if (v.is_number()) return Value::integer(std::llabs(v.as_int()));
  throw RenderError("TypeError", "bad operand type for abs(): '" + v.type_name() + "'");
}

Value f_attr(const Value& v, const CallArgs& a) {
  const Value* name = a.get(0, "name");
  return get_attribute(v, name ? name->to_str() : "");
}

Value f_batch(const Value& v, const CallArgs& a) {
  const Value* size_value = a.get(0, "linecount");
  if (!size_value) throw RenderError("TypeError", "do_batch() missing required argument 'linecount'");
  std::int64_t size = size_value->as_int();
  const Value* fill = arg(a, 1, "fill_with");
  ValueList batches, current;
  for (const auto& item : iterate(v)) {
    if (static_cast<std::int64_t>(current.size()) == size) {
      batches.push_back(Value::list(std::move(current)));
      current.clear();
    }
    current.push_back(item);
  }
  if (!current.empty()) {
    if (fill) {
      while (static_cast<std::int64_t>(current.size()) < size) current.push_back(*fill);
    }
    batches.push_back(Value::list(std::move(current)));
  }
  return Value::list(std::move(batches));
}

Value f_capitalize(const Value& v, const CallArgs&) { return Value::string(pystr::capitalize(soft_str(v))); }

Value f_center(const Value& v, const CallArgs& a) {
  const Value* width = a.get(0, "width");
  CallArgs center_args;
  center_args.positional.push_back(width ? *width : Value::integer(80));
  return call_value(get_attribute(Value::string(soft_str(v)), "center"), center_args);
}

Value f_default(const Value& v, const CallArgs& a) {
  const Value* fallback = a.get(0, "default_value");
  bool boolean = bool_arg(a, 1, "boolean", false);
  if (v.is_undefined() || (boolean && !v.truthy())) return fallback ? *fallback : Value::string("");
  return v;
}

Value f_dictsort(const Value& v, const CallArgs& a) {
  if (!v.is_dict()) throw RenderError("TypeError", "dictsort expects a mapping, not " + v.type_name());
  bool case_sensitive = bool_arg(a, 0, "case_sensitive", false);
  const Value* by = a.get(1, "by");
  bool by_value = by && by->to_str() == "value";
  if (by && !by_value && by->to_str() != "key") throw RenderError("FilterArgumentError", "You can only sort by either \"key\" or \"value\"");
  bool reverse = bool_arg(a, 2, "reverse", false);
  ValueList items;
  for (const auto& [k, val] : v.as_dict().items) items.push_back(Value::tuple({k, val}));
  std::stable_sort(items.begin(), items.end(), [&](const Value& x, const Value& y) {
    const Value& kx = x.as_list()[by_value ? 1 : 0];
    const Value& ky = y.as_list()[by_value ? 1 : 0];
    int c = fold_case(kx, case_sensitive).compare(fold_case(ky, case_sensitive));
    return reverse ? c > 0 : c < 0;
  });
  return Value::list(std::move(items));
}

Value f_escape(const Value& v, const CallArgs&) {
  if (v.is_markup()) return v;
  return Value::markup(html_escape(soft_str(v)));
}

Value f_forceescape(const Value& v, const CallArgs&) { return Value::markup(html_escape(soft_str(v))); }

Value f_first(const Value& v, const CallArgs&) {
  ValueList items = iterate(v);
  if (items.empty()) return Value::undefined("No first item, sequence was empty.");
  return items.front();
}

Value f_last(const Value& v, const CallArgs&) {
  ValueList items = iterate(v);
  if (items.empty()) return Value::undefined("No last item, sequence was empty.");
  return items.back();
}

bool parse_python_float(const std::string& text, double& out) {
  std::string t = pystr::strip(text, std::nullopt, true, true);
  std::string cleaned;
  for (char c : t) {
    if (c != '_') cleaned += c;
  }
  if (cleaned.empty()) return false;
  char* end = nullptr;
  out = std::strtod(cleaned.c_str(), &end);
  return end && *end == '\0';
}

Value f_float(const Value& v, const CallArgs& a) {
  const Value* fallback = a.get(0, "default");
  Value default_value = fallback ? *fallback : Value::floating(0.0);
  if (v.is_undefined()) v.fail_undefined();
  if (v.is_number()) return Value::floating(v.as_double());
  double d;
  if (v.is_string() && parse_python_float(v.as_string(), d)) return Value::floating(d);
  return default_value;
}

Value f_format(const Value& v, const CallArgs& a) {
  if (!a.keyword.empty()) {
    Dict kwargs;
    for (const auto& [k, val] : a.keyword) kwargs.set(Value::string(k), val);
    return Value::string(percent_format(soft_str(v), Value::dict(std::move(kwargs))));
  }
  return Value::string(percent_format(soft_str(v), Value::tuple(a.positional)));
}

Value f_indent(const Value& v, const CallArgs& a) {
  const Value* width = a.get(0, "width");
  std::string indention = width && width->is_string() ? width->as_string()
                                                       : std::string(static_cast<std::size_t>(width ? width->as_int() : 4), ' ');
  bool first = bool_arg(a, 1, "first", false);
  bool blank = bool_arg(a, 2, "blank", false);
  // jinja2 appends "\n" to the value itself, which only works for strings.
  if (v.is_undefined()) v.fail_undefined();
  if (!v.is_string()) throw RenderError("TypeError", "indent expects a string, not " + v.type_name());
  std::vector<std::string> lines = pystr::splitlines(v.as_string() + "\n", false);
  std::string out;
  if (blank) {
    for (std::size_t i = 0; i < lines.size(); ++i) out += (i ? "\n" + indention : "") + lines[i];
  } else {
    out = lines.empty() ? "" : lines[0];
    for (std::size_t i = 1; i < lines.size(); ++i) out += "\n" + (lines[i].empty() ? "" : indention + lines[i]);
  }
  if (first) out = indention + out;
  return Value::string(std::move(out));
}

bool parse_python_int(const std::string& text, std::int64_t base, std::int64_t& out) {
  std::string t = pystr::strip(text, std::nullopt, true, true);
  std::string cleaned;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '_' && i > 0 && i + 1 < t.size() && std::isalnum(static_cast<unsigned char>(t[i - 1])) &&
        std::isalnum(static_cast<unsigned char>(t[i + 1]))) {
      continue;
    }
    cleaned += t[i];
  }
  if (cleaned.empty()) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtoll(cleaned.c_str(), &end, static_cast<int>(base));
  return end && *end == '\0' && errno == 0 && !std::isspace(static_cast<unsigned char>(cleaned[0]));
}

Value f_int(const Value& v, const CallArgs& a) {
  const Value* fallback = a.get(0, "default");
  const Value* base = a.get(1, "base");
  Value default_value = fallback ? *fallback : Value::integer(0);
  if (v.is_undefined()) v.fail_undefined();
  if (v.is_float()) {
    if (std::isnan(v.as_double()) || std::isinf(v.as_double())) return default_value;
    return Value::integer(static_cast<std::int64_t>(std::trunc(v.as_double())));
  }
  if (v.is_number()) return Value::integer(v.as_int());
  if (v.is_string()) {
    std::int64_t i;
    if (parse_python_int(v.as_string(), base ? base->as_int() : 10, i)) return Value::integer(i);
    double d;
    if (parse_python_float(v.as_string(), d) && std::isfinite(d)) return Value::integer(static_cast<std::int64_t>(std::trunc(d)));
  }
  return default_value;
}

Value f_items(const Value& v, const CallArgs&) {
  if (v.is_undefined()) return Value::list({});
  if (!v.is_dict()) throw RenderError("TypeError", "Can only get item pairs from a mapping.");
  ValueList out;
  for (const auto& [k, val] : v.as_dict().items) out.push_back(Value::tuple({k, val}));
  return Value::list(std::move(out));
}

Value f_join(const Value& v, const CallArgs& a) {
  const Value* separator = a.get(0, "d");
  const Value* attribute = arg(a, 1, "attribute");
  std::string sep = separator ? soft_str(*separator) : "";
  std::string out;
  bool first = true;
  for (const auto& item : iterate(v)) {
    if (!first) out += sep;
    out += soft_str(attribute_or_default(item, attribute, nullptr));
    first = false;
  }
  return Value::string(std::move(out));
}

Value f_length(const Value& v, const CallArgs&) {
  if (v.undefined_is_unsafe()) v.fail_undefined();
  return Value::integer(static_cast<std::int64_t>(v.length()));
}

Value f_list(const Value& v, const CallArgs&) { return Value::list(iterate(v)); }

Value f_lower(const Value& v, const CallArgs&) { return Value::string(pystr::lower(soft_str(v))); }
Value f_upper(const Value& v, const CallArgs&) { return Value::string(pystr::upper(soft_str(v))); }

Value f_map(const Value& v, const CallArgs& a) {
  ValueList out;
  if (!v.truthy()) return Value::list({});  // jinja2: `if value:` guards the loop
  const Value* attribute = a.find_keyword("attribute");
  if (attribute) {
    const Value* default_value = a.find_keyword("default");
    for (const auto& item : iterate(v)) out.push_back(attribute_or_default(item, attribute, default_value));
    return Value::list(std::move(out));
  }
  if (a.positional.empty()) throw RenderError("FilterArgumentError", "map requires a filter argument");
  std::string filter = a.positional[0].to_str();
  CallArgs filter_args = rest_args(a, 1);
  for (const auto& item : iterate(v)) out.push_back(apply_filter(filter, item, filter_args));
  return Value::list(std::move(out));
}

Value min_max(const Value& v, const CallArgs& a, bool want_max) {
  bool case_sensitive = bool_arg(a, 0, "case_sensitive", false);
  const Value* attribute = arg(a, 1, "attribute");
  ValueList items = iterate(v);
  if (items.empty()) return Value::undefined("No aggregated item, sequence was empty.");
  std::size_t best = 0;
  for (std::size_t i = 1; i < items.size(); ++i) {
    Value candidate = fold_case(attribute_or_default(items[i], attribute, nullptr), case_sensitive);
    Value current = fold_case(attribute_or_default(items[best], attribute, nullptr), case_sensitive);
    int c = candidate.compare(current);
    if (want_max ? c > 0 : c < 0) best = i;
  }
  return items[best];
}

Value f_max(const Value& v, const CallArgs& a) { return min_max(v, a, true); }
Value f_min(const Value& v, const CallArgs& a) { return min_max(v, a, false); }

Value select_items(const Value& v, const CallArgs& a, bool by_attribute, bool keep_matching) {
  ValueList out;
  std::size_t next = 0;
  std::string attribute;
  if (by_attribute) {
    if (a.positional.empty()) throw RenderError("TypeError", "Missing parameter for attribute name");
    attribute = a.positional[0].to_str();
    next = 1;
  }
  bool has_test = a.positional.size() > next;
  std::string test = has_test ? a.positional[next].to_str() : "";
  CallArgs test_args = rest_args(a, next + 1);
  if (!v.truthy()) return Value::list({});  // jinja2: `if value:` guards the loop
  for (const auto& item : iterate(v)) {
    Value subject = by_attribute ? attribute_path(item, attribute) : item;
    bool matched = has_test ? apply_test(test, subject, test_args) : subject.truthy();
    if (matched == keep_matching) out.push_back(item);
  }
  return Value::list(std::move(out));
}

Value f_select(const Value& v, const CallArgs& a) { return select_items(v, a, false, true); }
Value f_reject(const Value& v, const CallArgs& a) { return select_items(v, a, false, false); }
Value f_selectattr(const Value& v, const CallArgs& a) { return select_items(v, a, true, true); }
Value f_rejectattr(const Value& v, const CallArgs& a) { return select_items(v, a, true, false); }

Value f_replace(const Value& v, const CallArgs& a) {
  const Value* old_text = a.get(0, "old");
  const Value* new_text = a.get(1, "new");
  if (!old_text || !new_text) throw RenderError("TypeError", "do_replace() missing required arguments");
  const Value* count = arg(a, 2, "count");
  return Value::string(pystr::replace(soft_str(v), soft_str(*old_text), soft_str(*new_text), count ? static_cast<long>(count->as_int()) : -1));
}

Value f_reverse(const Value& v, const CallArgs&) {
  if (v.is_string()) {
    auto cps = utf8::decode(v.as_string());
    std::reverse(cps.begin(), cps.end());
    return Value::string(utf8::encode(cps));
  }
  ValueList items = iterate(v);
  std::reverse(items.begin(), items.end());
  return Value::list(std::move(items));
}

Value f_round(const Value& v, const CallArgs& a) {
  const Value* precision_value = a.get(0, "precision");
  const Value* method_value = a.get(1, "method");
  std::int64_t precision = precision_value ? precision_value->as_int() : 0;
  std::string method = method_value ? method_value->to_str() : "common";
  if (method != "common" && method != "ceil" && method != "floor") {
    throw RenderError("FilterArgumentError", "method must be common, ceil or floor");
  }
  if (v.is_undefined()) v.fail_undefined();
  if (!v.is_number()) throw RenderError("TypeError", "type " + v.type_name() + " doesn't define __round__ method");
  if (method == "common") {
    if (!v.is_float()) return Value::integer(v.as_int());  // round(int, n) stays an int
    char buffer[512];
    std::snprintf(buffer, sizeof buffer, "%.*f", static_cast<int>(std::max<std::int64_t>(precision, 0)), v.as_double());
    return Value::floating(std::strtod(buffer, nullptr));
  }
  double scale = std::pow(10.0, static_cast<double>(precision));
  double scaled = v.as_double() * scale;
  return Value::floating((method == "ceil" ? std::ceil(scaled) : std::floor(scaled)) / scale);
}

Value f_safe(const Value& v, const CallArgs&) { return Value::markup(soft_str(v)); }
Value f_string(const Value& v, const CallArgs&) { return Value::string(soft_str(v)); }

Value f_sort(const Value& v, const CallArgs& a) {
  bool reverse = bool_arg(a, 0, "reverse", false);
  bool case_sensitive = bool_arg(a, 1, "case_sensitive", false);
  const Value* attribute = arg(a, 2, "attribute");
  ValueList items = iterate(v);
  std::stable_sort(items.begin(), items.end(), [&](const Value& x, const Value& y) {
    Value kx = fold_case(attribute_or_default(x, attribute, nullptr), case_sensitive);
    Value ky = fold_case(attribute_or_default(y, attribute, nullptr), case_sensitive);
    return reverse ? ky.compare(kx) < 0 : kx.compare(ky) < 0;
  });
  return Value::list(std::move(items));
}

Value f_sum(const Value& v, const CallArgs& a) {
  const Value* attribute = arg(a, 0, "attribute");
  const Value* start = a.get(1, "start");
  Value total = start ? *start : Value::integer(0);
  for (const auto& item : iterate(v)) total = binary_operation("+", total, attribute_or_default(item, attribute, nullptr));
  return total;
}

Value f_title(const Value& v, const CallArgs&) {
  // jinja2 splits on runs of [-\s({\[<] and capitalizes each piece.
  auto cps = utf8::decode(soft_str(v));
  std::string out;
  bool word_start = true;
  for (char32_t c : cps) {
    bool separator = c == '-' || c == '(' || c == '{' || c == '[' || c == '<' || unicode::is_space(c);
    if (separator) {
      utf8::append(out, c);
      word_start = true;
    } else {
      utf8::append(out, word_start ? unicode::to_upper(c) : unicode::to_lower(c));
      word_start = false;
    }
  }
  return Value::string(std::move(out));
}

Value f_tojson(const Value& v, const CallArgs& a) {
  JsonDumpOptions options;
  if (const Value* ensure_ascii = a.get(0, "ensure_ascii")) options.ensure_ascii = ensure_ascii->truthy();
  if (const Value* indent = arg(a, 1, "indent")) {
    options.indent = indent->is_string() ? indent->as_string()
                                         : std::string(static_cast<std::size_t>(std::max<std::int64_t>(indent->as_int(), 0)), ' ');
  }
  if (const Value* separators = arg(a, 2, "separators")) {
    if (!separators->is_sequence() || separators->as_list().size() != 2) {
      throw RenderError("ValueError", "separators must be a (item_separator, key_separator) pair");
    }
    options.item_separator = separators->as_list()[0].to_str();
    options.key_separator = separators->as_list()[1].to_str();
  }
  if (const Value* sort_keys = a.get(3, "sort_keys")) options.sort_keys = sort_keys->truthy();
  return Value::string(json_dumps(v, options));
}

Value f_trim(const Value& v, const CallArgs& a) {
  const Value* chars = arg(a, 0, "chars");
  return Value::string(pystr::strip(soft_str(v), chars ? std::optional<std::string>(chars->to_str()) : std::nullopt, true, true));
}

Value f_unique(const Value& v, const CallArgs& a) {
  bool case_sensitive = bool_arg(a, 0, "case_sensitive", false);
  const Value* attribute = arg(a, 1, "attribute");
  ValueList out, seen;
  for (const auto& item : iterate(v)) {
    Value key = fold_case(attribute_or_default(item, attribute, nullptr), case_sensitive);
    if (key.is_list() || key.is_dict() || key.is_namespace()) throw RenderError("TypeError", "unhashable type: '" + key.type_name() + "'");
    if (std::none_of(seen.begin(), seen.end(), [&](const Value& s) { return s.equals(key); })) {
      seen.push_back(key);
      out.push_back(item);
    }
  }
  return Value::list(std::move(out));
}

Value f_wordcount(const Value& v, const CallArgs&) {
  std::int64_t words = 0;
  bool in_word = false;
  for (char32_t c : utf8::decode(soft_str(v))) {
    bool word_char = unicode::is_alpha(c) || unicode::is_digit(c) || c == '_';
    if (word_char && !in_word) ++words;
    in_word = word_char;
  }
  return Value::integer(words);
}

Value f_truncate(const Value& v, const CallArgs& a) {
  std::string s = soft_str(v);
  const Value* length_value = a.get(0, "length");
  std::size_t length = length_value ? static_cast<std::size_t>(length_value->as_int()) : 255;
  bool killwords = bool_arg(a, 1, "killwords", false);
  const Value* end_value = a.get(2, "end");
  std::string end = end_value ? end_value->to_str() : "...";
  const Value* leeway_value = a.get(3, "leeway");
  std::size_t leeway = leeway_value ? static_cast<std::size_t>(leeway_value->as_int()) : 5;
  auto cps = utf8::decode(s);
  if (cps.size() <= length + leeway) return Value::string(s);
  std::size_t keep = length - std::min(length, utf8::length(end));
  std::string head = utf8::encode(std::vector<char32_t>(cps.begin(), cps.begin() + static_cast<long>(keep)));
  if (killwords) return Value::string(head + end);
  std::size_t space = head.rfind(' ');
  return Value::string((space == std::string::npos ? head : head.substr(0, space)) + end);
}

const std::map<std::string, FilterFunction>& filter_table() {
  static const std::map<std::string, FilterFunction> table = {
      {"abs", f_abs},         {"attr", f_attr},           {"batch", f_batch},         {"capitalize", f_capitalize},
      {"center", f_center},   {"count", f_length},        {"d", f_default},           {"default", f_default},
      {"dictsort", f_dictsort}, {"e", f_escape},          {"escape", f_escape},       {"first", f_first},
      {"float", f_float},     {"format", f_format},       {"indent", f_indent},       {"int", f_int},
      {"items", f_items},     {"join", f_join},           {"last", f_last},           {"length", f_length},
      {"list", f_list},       {"lower", f_lower},         {"map", f_map},             {"max", f_max},
      {"min", f_min},         {"reject", f_reject},       {"rejectattr", f_rejectattr}, {"replace", f_replace},
      {"reverse", f_reverse}, {"round", f_round},         {"safe", f_safe},           {"select", f_select},
      {"selectattr", f_selectattr}, {"sort", f_sort},     {"string", f_string},       {"sum", f_sum},
      {"title", f_title},     {"tojson", f_tojson},       {"trim", f_trim},           {"truncate", f_truncate},
      {"unique", f_unique},   {"upper", f_upper},         {"wordcount", f_wordcount}, {"forceescape", f_forceescape},
  };
  return table;
}

}  // namespace

bool has_filter(const std::string& name) { return filter_table().count(name) > 0; }

Value apply_filter(const std::string& name, const Value& subject, const CallArgs& args) {
  auto it = filter_table().find(name);
  if (it == filter_table().end()) throw RenderError("TemplateAssertionError", "No filter named '" + name + "'.");
  return it->second(subject, args);
}

}  // namespace rb::tmpl

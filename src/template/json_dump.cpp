#include "template/json_dump.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/python_text.h"
#include "common/utf8.h"
#include "template/unicode_chars.h"

namespace rb::tmpl {
namespace {

class Dumper {
 public:
  explicit Dumper(const JsonDumpOptions& options) : options_(options) {
    item_separator_ = options.item_separator.value_or(options.indent ? "," : ", ");
    key_separator_ = options.key_separator.value_or(": ");
  }

  void dump(const Value& v, int level, std::string& out) {
    switch (v.kind()) {
      case Value::Kind::None: out += "null"; return;
      case Value::Kind::Bool: out += v.as_bool() ? "true" : "false"; return;
      case Value::Kind::Int: out += std::to_string(v.as_int()); return;
      case Value::Kind::Float: out += rb::python_json_float(v.as_double()); return;
      case Value::Kind::String: rb::append_python_json_string(out, v.as_string(), options_.ensure_ascii); return;
      case Value::Kind::List:
      case Value::Kind::Tuple: dump_list(v.as_list(), level, out); return;
      case Value::Kind::Dict: dump_dict(v.as_dict(), level, out); return;
      default:
        throw RenderError("TypeError", "Object of type " + v.type_name() + " is not JSON serializable");
    }
  }

 private:
  void newline(int level, std::string& out) const {
    if (!options_.indent) return;
    out += '\n';
    for (int i = 0; i < level; ++i) out += *options_.indent;
  }

  void dump_list(const ValueList& items, int level, std::string& out) {
    if (items.empty()) {
      out += "[]";
      return;
    }
    out += '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i) out += item_separator_;
      newline(level + 1, out);
      dump(items[i], level + 1, out);
    }
    newline(level, out);
    out += ']';
  }

  std::string key_text(const Value& key) const {
    switch (key.kind()) {
      case Value::Kind::String: return key.as_string();
      case Value::Kind::None: return "null";
      case Value::Kind::Bool: return key.as_bool() ? "true" : "false";
      case Value::Kind::Int: return std::to_string(key.as_int());
      case Value::Kind::Float: return rb::python_json_float(key.as_double());
      default:
        throw RenderError("TypeError", "keys must be str, int, float, bool or None, not " + key.type_name());
    }
  }

  void dump_dict(const Dict& dict, int level, std::string& out) {
    if (dict.items.empty()) {
      out += "{}";
      return;
    }
    std::vector<std::pair<std::string, const Value*>> entries;
    for (const auto& [k, v] : dict.items) entries.emplace_back(key_text(k), &v);
    if (options_.sort_keys) {
      std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    }
    out += '{';
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (i) out += item_separator_;
      newline(level + 1, out);
      rb::append_python_json_string(out, entries[i].first, options_.ensure_ascii);
      out += key_separator_;
      dump(*entries[i].second, level + 1, out);
    }
    newline(level, out);
    out += '}';
  }

  const JsonDumpOptions& options_;
  std::string item_separator_;
  std::string key_separator_;
};

}  // namespace

std::string json_dumps(const Value& value, const JsonDumpOptions& options) {
  std::string out;
  Dumper(options).dump(value, 0, out);
  return out;
}

}  // namespace rb::tmpl

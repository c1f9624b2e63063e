#include "template/json_dump.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "template/utf8.h"

namespace rb::tmpl {
namespace {

void append_escaped(std::string& out, const std::string& text, bool ensure_ascii) {
  out += '"';
  for (char32_t cp : utf8::decode(text)) {
    switch (cp) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      case '\b': out += "\\b"; continue;
      case '\f': out += "\\f"; continue;
      default: break;
    }
    char buffer[16];
    if (cp < 0x20 || (ensure_ascii && cp > 0x7E)) {
      if (cp >= 0x10000) {
        char32_t v = cp - 0x10000;
        std::snprintf(buffer, sizeof buffer, "\\u%04x\\u%04x", 0xD800 + (static_cast<unsigned>(v) >> 10),
                      0xDC00 + (static_cast<unsigned>(v) & 0x3FF));
      } else {
        std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(cp));
      }
      out += buffer;
    } else {
      utf8::append(out, cp);
    }
  }
  out += '"';
}

std::string float_text(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return python_float_repr(d);
}

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
      case Value::Kind::Float: out += float_text(v.as_double()); return;
      case Value::Kind::String: append_escaped(out, v.as_string(), options_.ensure_ascii); return;
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
      case Value::Kind::Float: return float_text(key.as_double());
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
      append_escaped(out, entries[i].first, options_.ensure_ascii);
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

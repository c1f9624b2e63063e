#include "report/python_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace rb::report {
namespace {


class Encoder {
 public:
  explicit Encoder(const PythonJsonStyle& style) : style_(style) {}

  void encode(const Json& value, int level, std::string& out) const {
    switch (value.type()) {
      case Json::value_t::null: out += "null"; break;
      case Json::value_t::boolean: out += value.get<bool>() ? "true" : "false"; break;
      case Json::value_t::number_integer: out += std::to_string(value.get<int64_t>()); break;
      case Json::value_t::number_unsigned: out += std::to_string(value.get<uint64_t>()); break;
      case Json::value_t::number_float: out += python_json_float(value.get<double>()); break;
      case Json::value_t::string: append_python_json_string(out, value.get_ref<const std::string&>(), style_.ensure_ascii); break;
      case Json::value_t::array: encode_array(value, level, out); break;
      case Json::value_t::object: encode_object(value, level, out); break;
      default: out += "null"; break;  // binary and discarded values never reach the writers
    }
  }

 private:
  std::string newline_indent(int level) const { return "\n" + std::string(*style_.indent * level, ' '); }
  std::string item_separator(int level) const {
    return style_.indent ? "," + newline_indent(level) : std::string(", ");
  }

  void encode_array(const Json& array, int level, std::string& out) const {
    if (array.empty()) {
      out += "[]";
      return;
    }
    out += '[';
    if (style_.indent) out += newline_indent(level + 1);
    bool first = true;
    for (const auto& element : array) {
      if (!first) out += item_separator(level + 1);
      first = false;
      encode(element, level + 1, out);
    }
    if (style_.indent) out += newline_indent(level);
    out += ']';
  }

  void encode_object(const Json& object, int level, std::string& out) const {
    if (object.empty()) {
      out += "{}";
      return;
    }
    std::vector<const std::string*> keys;
    std::vector<const Json*> values;
    for (auto it = object.begin(); it != object.end(); ++it) {
      keys.push_back(&it.key());
      values.push_back(&it.value());
    }
    std::vector<size_t> order(keys.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    // Byte order of UTF-8 equals code point order, which is how Python sorts str keys.
    if (style_.sort_keys) {
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return *keys[a] < *keys[b]; });
    }
    out += '{';
    if (style_.indent) out += newline_indent(level + 1);
    bool first = true;
    for (size_t index : order) {
      if (!first) out += item_separator(level + 1);
      first = false;
      append_python_json_string(out, *keys[index], style_.ensure_ascii);
      out += ": ";
      encode(*values[index], level + 1, out);
    }
    if (style_.indent) out += newline_indent(level);
    out += '}';
  }

  const PythonJsonStyle& style_;
};

}  // namespace


std::string python_json_dumps(const Json& value, const PythonJsonStyle& style) {
  std::string out;
  Encoder(style).encode(value, 0, out);
  return out;
}

}  // namespace rb::report

#include "report/python_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace rb::report {
namespace {

// Python switches to exponent notation when the decimal point would sit more than 16 digits
// right of the first digit or 4 or more places left of it (format_float_short, mode 'r').
constexpr int kMaxFixedPoint = 16;
constexpr int kMinFixedPoint = -4;

std::string exponent_text(int exponent) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
  return buffer;
}

// Shortest round-trip digits, laid out as repr(float) does.
std::string finite_repr(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  std::string scientific(buffer, end);  // e.g. "-9.636871508379888e-01", "1e+16"
  std::string sign = scientific[0] == '-' ? "-" : "";
  if (!sign.empty()) scientific.erase(0, 1);
  size_t e = scientific.find('e');
  std::string digits = scientific.substr(0, e);
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  int exponent = std::atoi(scientific.c_str() + e + 1);
  int point = exponent + 1;  // digits before the decimal point
  int count = static_cast<int>(digits.size());

  if (point > kMaxFixedPoint || point <= kMinFixedPoint) {
    std::string mantissa = digits.substr(0, 1);
    if (count > 1) mantissa += "." + digits.substr(1);
    return sign + mantissa + "e" + exponent_text(exponent);
  }
  if (point <= 0) return sign + "0." + std::string(-point, '0') + digits;
  if (point >= count) return sign + digits + std::string(point - count, '0') + ".0";
  return sign + digits.substr(0, point) + "." + digits.substr(point);
}

// Decodes one UTF-8 sequence at `i`; invalid bytes become U+FFFD (Python strings cannot hold them).
uint32_t next_code_point(const std::string& text, size_t& i) {
  auto byte = static_cast<unsigned char>(text[i]);
  size_t length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3 : (byte >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || i + length > text.size()) {
    ++i;
    return 0xFFFD;
  }
  uint32_t code = length == 1 ? byte : byte & (0xFF >> (length + 1));
  for (size_t k = 1; k < length; ++k) {
    auto next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    code = (code << 6) | (next & 0x3F);
  }
  i += length;
  return code;
}

void append_unicode_escape(std::string& out, uint32_t unit) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "\\u%04x", unit);
  out += buffer;
}

void append_quoted(std::string& out, const std::string& text, bool ensure_ascii) {
  out += '"';
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    switch (c) {
      case '"': out += "\\\""; ++i; continue;
      case '\\': out += "\\\\"; ++i; continue;
      case '\n': out += "\\n"; ++i; continue;
      case '\r': out += "\\r"; ++i; continue;
      case '\t': out += "\\t"; ++i; continue;
      case '\b': out += "\\b"; ++i; continue;
      case '\f': out += "\\f"; ++i; continue;
      default: break;
    }
    auto byte = static_cast<unsigned char>(c);
    // ensure_ascii keeps only printable ASCII (' ' to '~'); DEL is escaped too.
    if (byte < 0x20 || (byte == 0x7F && ensure_ascii)) {
      append_unicode_escape(out, byte);
      ++i;
    } else if (byte < 0x80 || !ensure_ascii) {
      size_t start = i;
      uint32_t code = next_code_point(text, i);
      if (code == 0xFFFD && !(i - start == 3 && text.compare(start, 3, "\xEF\xBF\xBD") == 0)) {
        out += "\xEF\xBF\xBD";
      } else {
        out.append(text, start, i - start);
      }
    } else {
      uint32_t code = next_code_point(text, i);
      if (code >= 0x10000) {
        code -= 0x10000;
        append_unicode_escape(out, 0xD800 + (code >> 10));
        append_unicode_escape(out, 0xDC00 + (code & 0x3FF));
      } else {
        append_unicode_escape(out, code);
      }
    }
  }
  out += '"';
}

std::string json_float(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  return finite_repr(value);
}

class Encoder {
 public:
  explicit Encoder(const PythonJsonStyle& style) : style_(style) {}

  void encode(const Json& value, int level, std::string& out) const {
    switch (value.type()) {
      case Json::value_t::null: out += "null"; break;
      case Json::value_t::boolean: out += value.get<bool>() ? "true" : "false"; break;
      case Json::value_t::number_integer: out += std::to_string(value.get<int64_t>()); break;
      case Json::value_t::number_unsigned: out += std::to_string(value.get<uint64_t>()); break;
      case Json::value_t::number_float: out += json_float(value.get<double>()); break;
      case Json::value_t::string: append_quoted(out, value.get_ref<const std::string&>(), style_.ensure_ascii); break;
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
      append_quoted(out, *keys[index], style_.ensure_ascii);
      out += ": ";
      encode(*values[index], level + 1, out);
    }
    if (style_.indent) out += newline_indent(level);
    out += '}';
  }

  const PythonJsonStyle& style_;
};

}  // namespace

std::string python_float_repr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return finite_repr(value);
}

std::string python_json_dumps(const Json& value, const PythonJsonStyle& style) {
  std::string out;
  Encoder(style).encode(value, 0, out);
  return out;
}

}  // namespace rb::report

#include "common/python_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace rb {
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

std::string finite_repr(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  std::string scientific(buffer, end);  // shortest round trip, e.g. "-9.636871508379888e-01", "1e+16"
  std::string sign = scientific[0] == '-' ? "-" : "";
  if (!sign.empty()) scientific.erase(0, 1);
  const size_t e = scientific.find('e');
  std::string digits = scientific.substr(0, e);
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  const int exponent = std::atoi(scientific.c_str() + e + 1);
  const int point = exponent + 1;  // digits before the decimal point
  const int count = static_cast<int>(digits.size());
  if (point > kMaxFixedPoint || point <= kMinFixedPoint) {
    std::string mantissa = digits.substr(0, 1);
    if (count > 1) mantissa += "." + digits.substr(1);
    return sign + mantissa + "e" + exponent_text(exponent);
  }
  if (point <= 0) return sign + "0." + std::string(-point, '0') + digits;
  if (point >= count) return sign + digits + std::string(point - count, '0') + ".0";
  return sign + digits.substr(0, point) + "." + digits.substr(point);
}

// Decodes one UTF-8 sequence at `i`; an ill-formed one yields U+FFFD and advances one byte.
uint32_t next_code_point(std::string_view text, size_t& i, bool* ill_formed) {
  const auto byte = static_cast<unsigned char>(text[i]);
  const size_t length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3 : (byte >> 3) == 0x1E ? 4 : 0;
  *ill_formed = false;
  if (length == 0 || i + length > text.size()) {
    ++i;
    *ill_formed = true;
    return 0xFFFD;
  }
  uint32_t code = length == 1 ? byte : byte & (0xFF >> (length + 1));
  for (size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0) != 0x80) {
      ++i;
      *ill_formed = true;
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

}  // namespace

std::string python_float_repr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return finite_repr(value);
}

std::string python_json_float(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  return finite_repr(value);
}

void append_python_json_string(std::string& out, std::string_view text, bool ensure_ascii) {
  out += '"';
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
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
    const auto byte = static_cast<unsigned char>(c);
    // ensure_ascii keeps only printable ASCII (' ' to '~'); DEL is escaped too.
    if (byte < 0x20 || (byte == 0x7F && ensure_ascii)) {
      append_unicode_escape(out, byte);
      ++i;
      continue;
    }
    const size_t start = i;
    bool ill_formed = false;
    uint32_t code = next_code_point(text, i, &ill_formed);
    if (!ensure_ascii || byte < 0x80) {
      if (ill_formed) out += "\xEF\xBF\xBD";
      else out.append(text.substr(start, i - start));
    } else if (code >= 0x10000) {
      code -= 0x10000;
      append_unicode_escape(out, 0xD800 + (code >> 10));
      append_unicode_escape(out, 0xDC00 + (code & 0x3FF));
    } else {
      append_unicode_escape(out, code);
    }
  }
  out += '"';
}

}  // namespace rb

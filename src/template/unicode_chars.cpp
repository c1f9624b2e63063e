#include "template/unicode_chars.h"

namespace rb::tmpl::unicode {

bool is_space(char32_t cp) {
  switch (cp) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x1C: case 0x1D: case 0x1E:
    case 0x1F: case 0x20: case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

static bool has_simple_case_pair(char32_t lower) {
  return (lower >= 0xE0 && lower <= 0xFE && lower != 0xF7) || (lower >= 0x3B1 && lower <= 0x3C9 && lower != 0x3C2) ||
         (lower >= 0x430 && lower <= 0x44F);
}

char32_t to_upper(char32_t cp) {
  if (cp >= 'a' && cp <= 'z') return cp - 32;
  if (has_simple_case_pair(cp)) return cp - 32;
  if (cp >= 0x450 && cp <= 0x45F) return cp - 80;
  return cp;
}

char32_t to_lower(char32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 32;
  if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) return cp + 32;
  if (cp >= 0x410 && cp <= 0x42F) return cp + 32;
  if (cp >= 0x400 && cp <= 0x40F) return cp + 80;
  return cp;
}

bool is_alpha(char32_t cp) {
  return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || to_upper(cp) != cp || to_lower(cp) != cp ||
         (cp >= 0x4E00 && cp <= 0x9FFF);
}

bool is_digit(char32_t cp) { return cp >= '0' && cp <= '9'; }

}  // namespace rb::tmpl::unicode

#include "text/tokenizer/unicode_classes.h"

#include <unicode/uchar.h>

namespace rb::text {

namespace {
int8_t category(char32_t cp) { return u_charType(static_cast<UChar32>(cp)); }

// Assigned by Unicode 8.0 or earlier.
bool in_unicode_8(char32_t cp) {
  UVersionInfo age;
  u_charAge(static_cast<UChar32>(cp), age);
  return age[0] < 8 || (age[0] == 8 && age[1] == 0);
}
}  // namespace

bool is_rust_numeric(char32_t cp) {
  const int8_t c = category(cp);
  return c == U_DECIMAL_DIGIT_NUMBER || c == U_LETTER_NUMBER || c == U_OTHER_NUMBER;
}

bool is_regex_word_char(char32_t cp) {
  const auto c = static_cast<UChar32>(cp);
  if (u_hasBinaryProperty(c, UCHAR_ALPHABETIC) || u_hasBinaryProperty(c, UCHAR_JOIN_CONTROL)) {
    return true;
  }
  const int8_t cat = u_charType(c);
  return cat == U_NON_SPACING_MARK || cat == U_ENCLOSING_MARK || cat == U_COMBINING_SPACING_MARK ||
         cat == U_DECIMAL_DIGIT_NUMBER || cat == U_CONNECTOR_PUNCTUATION;
}

bool is_rust_whitespace(char32_t cp) { return u_isUWhiteSpace(static_cast<UChar32>(cp)); }

bool is_punctuation(char32_t cp) {
  if (cp < 0x80) {
    return (cp >= '!' && cp <= '/') || (cp >= ':' && cp <= '@') || (cp >= '[' && cp <= '`') ||
           (cp >= '{' && cp <= '~');
  }
  // Punctuation in Unicode 8.0 that later versions moved to other categories.
  if (cp == 0x111C9 || cp == 0x166D) return true;
  if (!in_unicode_8(cp)) return false;
  switch (category(cp)) {
    case U_CONNECTOR_PUNCTUATION:
    case U_DASH_PUNCTUATION:
    case U_START_PUNCTUATION:
    case U_END_PUNCTUATION:
    case U_INITIAL_PUNCTUATION:
    case U_FINAL_PUNCTUATION:
    case U_OTHER_PUNCTUATION:
      return true;
    default:
      return false;
  }
}

bool is_control_char(char32_t cp) {
  if (cp == '\t' || cp == '\n' || cp == '\r') return false;
  switch (category(cp)) {
    case U_CONTROL_CHAR:
    case U_PRIVATE_USE_CHAR:
      return true;
    case U_FORMAT_CHAR:
      return in_unicode_8(cp);
    default:
      return false;  // unassigned code points are kept
  }
}

bool is_cjk_ideograph(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F) ||
         (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

bool is_nonspacing_mark(char32_t cp) { return category(cp) == U_NON_SPACING_MARK; }

bool is_combining_mark(char32_t cp) {
  const int8_t c = category(cp);
  return c == U_NON_SPACING_MARK || c == U_COMBINING_SPACING_MARK || c == U_ENCLOSING_MARK;
}

}  // namespace rb::text

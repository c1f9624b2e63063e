#include "text/tokenizer/unicode_classes.h"

#include <unicode/uchar.h>

namespace rb::text {

namespace {
int8_t category(char32_t cp) { return u_charType(static_cast<UChar32>(cp)); }

// Assigned by Unicode <major>.0 or earlier.
bool assigned_by(char32_t cp, uint8_t major) {
  UVersionInfo age;
  u_charAge(static_cast<UChar32>(cp), age);
  return age[0] < major || (age[0] == major && age[1] == 0);
}
bool in_unicode_8(char32_t cp) { return assigned_by(cp, 8); }
}  // namespace

// Rust std and the regex crate follow Unicode 16.0; ICU 72 knows 15.0. The 16.0 additions
// (from the oracle, code point by code point) are listed here.
struct Range {
  char32_t first;
  char32_t last;
};

constexpr Range kUnicode16Digits[] = {
    {0x10D40, 0x10D49}, {0x116D0, 0x116E3}, {0x11BF0, 0x11BF9}, {0x11DE0, 0x11DE9}, {0x16130, 0x16139},
    {0x16D70, 0x16D79}, {0x16FF4, 0x16FF6}, {0x1CCF0, 0x1CCF9}, {0x1E5F1, 0x1E5FA}};

constexpr Range kUnicode16WordChars[] = {
    {0x897, 0x897},       {0x1C89, 0x1C8A},     {0xA7CB, 0xA7CD},     {0xA7DA, 0xA7DC},
    {0x105C0, 0x105F3},   {0x10D40, 0x10D65},   {0x10D69, 0x10D6D},   {0x10D6F, 0x10D85},
    {0x10EC2, 0x10EC4},   {0x10EFC, 0x10EFC},   {0x11380, 0x11389},   {0x1138B, 0x1138B},
    {0x1138E, 0x1138E},   {0x11390, 0x113B5},   {0x113B7, 0x113C0},   {0x113C2, 0x113C2},
    {0x113C5, 0x113C5},   {0x113C7, 0x113CA},   {0x113CC, 0x113D3},   {0x113E1, 0x113E2},
    {0x116D0, 0x116E3},   {0x11BC0, 0x11BE0},   {0x11BF0, 0x11BF9},   {0x11F5A, 0x11F5A},
    {0x13460, 0x143FA},   {0x16100, 0x16139},   {0x16D40, 0x16D6C},   {0x16D70, 0x16D79},
    {0x18CFF, 0x18CFF},   {0x1CCF0, 0x1CCF9},   {0x1E5D0, 0x1E5FA},   {0x2EBF0, 0x2EE5D}};

template <size_t N>
bool in_ranges(const Range (&ranges)[N], char32_t cp) {
  for (const Range& r : ranges) {
    if (cp >= r.first && cp <= r.last) return true;
  }
  return false;
}

bool is_rust_numeric(char32_t cp) {
  if (cp >= 0x10D40 && in_ranges(kUnicode16Digits, cp)) return true;
  const int8_t c = category(cp);
  return c == U_DECIMAL_DIGIT_NUMBER || c == U_LETTER_NUMBER || c == U_OTHER_NUMBER;
}

bool is_regex_word_char(char32_t cp) {
  if (cp >= 0x897 && in_ranges(kUnicode16WordChars, cp)) return true;
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

char32_t unicode_16_lowercase(char32_t cp) {
  struct Mapping {
    char32_t first;
    char32_t last;
    int32_t offset;
  };
  static constexpr Mapping kMappings[] = {
      {0x1C89, 0x1C89, 1},  {0xA7CB, 0xA7CB, -42343}, {0xA7CC, 0xA7CC, 1},  {0xA7CE, 0xA7CE, 1},
      {0xA7D2, 0xA7D2, 1},  {0xA7D4, 0xA7D4, 1},      {0xA7DA, 0xA7DA, 1},  {0xA7DC, 0xA7DC, -42561},
      {0x10D50, 0x10D65, 32}, {0x16EA0, 0x16EB8, 27}};
  for (const Mapping& m : kMappings) {
    if (cp >= m.first && cp <= m.last) return static_cast<char32_t>(static_cast<int32_t>(cp) + m.offset);
  }
  return 0;
}

bool is_cjk_ideograph(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F) ||
         (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

bool is_nonspacing_mark_unicode_8(char32_t cp) {
  return category(cp) == U_NON_SPACING_MARK && in_unicode_8(cp);
}

bool is_combining_mark(char32_t cp) {
  if (!assigned_by(cp, 9)) return false;
  const int8_t c = category(cp);
  return c == U_NON_SPACING_MARK || c == U_COMBINING_SPACING_MARK || c == U_ENCLOSING_MARK;
}

}  // namespace rb::text

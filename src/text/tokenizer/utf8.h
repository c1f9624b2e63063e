#pragma once
// UTF-8 helpers. Input text is validated once at the tokenizer's entry; everything after
// that may assume well-formed UTF-8.
#include <cstddef>
#include <string>
#include <string_view>

namespace rb::text {

// Byte offset of the first ill-formed sequence (overlong, surrogate, > U+10FFFF, truncated),
// or std::string_view::npos when `text` is valid UTF-8.
size_t find_invalid_utf8(std::string_view text);

// Length in bytes of the UTF-8 sequence starting with `lead` (1 for invalid lead bytes).
inline size_t utf8_sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

// Decodes the code point at `pos` (valid UTF-8 assumed) and advances `pos` past it.
char32_t decode_utf8(std::string_view text, size_t& pos);

// Decodes the code point that ends right before `end` (valid UTF-8 assumed, end > 0).
char32_t decode_utf8_before(std::string_view text, size_t end);

void append_utf8(std::string& out, char32_t code_point);

}  // namespace rb::text

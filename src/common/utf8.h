#pragma once
// The project's one UTF-8 codec. Text is validated where it enters (datasets, tokenizer input);
// decoding after that is lenient: a stray or truncated byte decodes as itself and never reads past
// the end, so a malformed template file cannot crash the interpreter.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace rb::utf8 {

// Byte offset of the first ill-formed sequence (overlong, surrogate, > U+10FFFF, truncated),
// or std::string_view::npos when `text` is valid UTF-8.
size_t find_invalid(std::string_view text);

// Length in bytes of the sequence starting with `lead` (1 for bytes that cannot start one).
inline size_t sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

// Decodes the code point at `pos` and advances `pos` past it.
char32_t decode_next(std::string_view text, size_t& pos);
// Decodes the code point that ends right before `end` (end > 0).
char32_t decode_before(std::string_view text, size_t end);

void append(std::string& out, char32_t code_point);

// Whole strings: code points of `text`, the UTF-8 of `code_points`, and the code point count.
std::vector<char32_t> decode(std::string_view text);
std::string encode(const std::vector<char32_t>& code_points);
size_t length(std::string_view text);

}  // namespace rb::utf8

#pragma once
// GPT-2's bytes_to_unicode: every byte gets a printable code point, so byte-level BPE can
// work on ordinary strings.
#include <array>
#include <string>
#include <string_view>

namespace rb::text {

class ByteLevelAlphabet {
 public:
  ByteLevelAlphabet();
  // Appends the mapped characters of every byte of `bytes`.
  void encode(std::string_view bytes, std::string& out) const;
  char32_t code_point(unsigned char byte) const { return code_points_[byte]; }

 private:
  std::array<char32_t, 256> code_points_{};
  std::array<std::string, 256> utf8_{};
};

// The regex the ByteLevel pre-tokenizer uses when use_regex is true.
inline constexpr const char* kGpt2SplitPattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

}  // namespace rb::text

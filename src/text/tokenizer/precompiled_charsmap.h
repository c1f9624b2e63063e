#pragma once
// SentencePiece's precompiled_charsmap (the "Precompiled" normalizer of tokenizer.json):
// [u32 little-endian trie size in bytes][darts-clone double-array trie of u32 units][NUL-separated
// replacement strings]. A trie value is the offset of a replacement in that string blob.
// Applied as Rust's spm_precompiled does it: per extended grapheme cluster, a cluster shorter
// than 6 bytes that has a mapping is replaced whole; otherwise each character is mapped alone.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rb::text {

class PrecompiledCharsmap {
 public:
  // `bytes` is the decoded charsmap; throws rb::TokenizerError naming `origin` when malformed.
  PrecompiledCharsmap(const std::string& bytes, const std::string& origin);

  // The replacement for the shortest key that is a prefix of `chunk`, if any (Rust's transform).
  std::optional<std::string_view> transform(std::string_view chunk) const;
  std::string normalize(const std::string& text) const;

 private:
  std::string normalize_ascii(const std::string& text) const;
  std::vector<uint32_t> trie_;
  std::string replacements_;
};

std::string decode_base64(const std::string& text, const std::string& origin);

}  // namespace rb::text

#pragma once
// Where a BPE word can be cut into independently merged pieces without changing the result.
//
// Without a pre-tokenizer (Llama-2, Gemma tokenizer.json files) BPE merges a whole text as one
// word: long heaps and no word cache. But a merged symbol's string is the concatenation of the
// strings of the characters (or <0xXX> bytes) it covers, so at a boundary between a character x
// and a character c, any merge that ever joins the two sides has a left operand whose string
// ends with x's atom string and a right operand whose string starts with c. When the merges table
// has no such pair, no merge ever crosses the boundary; the merges on either side then happen in
// the same order as when each side is merged alone (each side's lowest-rank, leftmost pair is
// independent of the other side), so the word can be cut there. This class proves that property
// from the merges table at load time, per right-hand character: for Llama-2, every merge whose
// right operand starts with "▁" has a left operand ending with "▁", so a text splits before each
// "▁" that follows anything else: SentencePiece's words.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace rb::text {

// One character's bytes, packed little-endian, with the length in bits 32+ (at most 4 bytes).
inline uint64_t bpe_char_key(const char* bytes, size_t length) {
  uint64_t key = static_cast<uint64_t>(length) << 32;
  for (size_t i = 0; i < length; ++i) key |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
  return key;
}

class BpeCutPoints {
 public:
  // Left edges (the atom string just before a cut) are at most this long: "<0xXX>" is 6 bytes,
  // a character at most 4; keeping this many trailing bytes of each left operand is exact.
  static constexpr size_t kMaxLeftEdgeBytes = 8;

  BpeCutPoints() = default;
  // `merges`: the (left, right) token strings of every merge; `single_characters`: every vocab
  // token that is exactly one UTF-8 character (the atoms a word's characters map to).
  BpeCutPoints(const std::vector<std::pair<std::string, std::string>>& merges,
               const std::vector<std::string>& single_characters);

  bool empty() const { return left_tails_by_right_char_.empty(); }
  // Cheap filter on the first byte of the right-hand character.
  bool may_cut_before(unsigned char lead_byte) const { return lead_bytes_[lead_byte]; }
  // True when no merge joins a left symbol ending with `left_edge` (the atom string of the
  // character before the boundary) and a right symbol starting with the vocab character whose
  // bpe_char_key is `right_char_key`.
  bool can_cut(uint64_t right_char_key, std::string_view left_edge) const;

 private:
  // Right characters with few distinct left-operand tails; characters with many are not worth a
  // check per occurrence (the boundary before them is then simply never cut).
  static constexpr size_t kMaxTailsPerCharacter = 16;
  std::unordered_map<uint64_t, std::vector<std::string>> left_tails_by_right_char_;
  std::array<bool, 256> lead_bytes_{};
};

}  // namespace rb::text

#pragma once
// tokenizer.json "model" of type BPE, merged exactly as Hugging Face's Rust Word::merge_all:
// the pair with the lowest merge rank first, the leftmost one on ties.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "text/tokenizer/bpe_cut_points.h"
#include "text/tokenizer/json_fields.h"
#include "text/tokenizer/model.h"

namespace rb::text {

class WordCache;

class BpeModel final : public Model {
 public:
  BpeModel(const nlohmann::json& config, const JsonContext& ctx);
  ~BpeModel();
  BpeModel(BpeModel&&) noexcept;
  BpeModel& operator=(BpeModel&&) noexcept;

  // Appends the ids of one pre-token. Thread-safe (the word cache is internally locked).
  void tokenize(const std::string& word, std::vector<int32_t>& ids) const override;

  std::optional<int32_t> token_to_id(const std::string& token) const override;
  std::optional<std::string> id_to_token(int32_t id) const override;
  size_t vocab_size() const override { return vocab_.size(); }
  const std::unordered_map<std::string, int32_t>& vocab() const { return vocab_; }

 private:
  struct MergeTarget {
    uint32_t rank;
    int32_t new_id;
  };
  static uint64_t pair_key(int32_t left, int32_t right) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
  }
  void load_vocab(const nlohmann::json& vocab, const JsonContext& ctx);
  void load_merges(const nlohmann::json& merges, const JsonContext& ctx);
  void merge_with_cache(const std::string& word, std::vector<int32_t>& ids) const;
  // Merges a long word piece by piece, cut where cut_points_ proves no merge can cross.
  void merge_in_pieces(const std::string& word, std::vector<int32_t>& ids) const;
  bool is_cut_point(const std::string& word, size_t previous_start, size_t start, size_t end) const;
  void build_cut_points(const std::vector<std::pair<std::string, std::string>>& merge_operands);
  void merge_word(const std::string& word, std::vector<int32_t>& ids) const;
  void apply_merges(std::vector<int32_t>& symbols) const;
  static constexpr size_t kMaxShortWordSymbols = 24;
  void apply_merges_by_scanning(std::vector<int32_t>& symbols) const;
  // Words at least this long are cut into pieces where that provably changes nothing, so that
  // the pieces hit the word cache; shorter ones (pre-tokenized words) are merged whole.
  static constexpr size_t kMinBytesToCut = 32;
  const MergeTarget* find_merge(int32_t left, int32_t right) const;
  void build_char_lookups();
  std::optional<int32_t> char_id(const char* bytes, size_t length) const;
  // Appends the <0xXX> id of every byte, or nothing (returning false) when one is missing.
  bool fallback_covers(const char* bytes, size_t length) const;
  bool append_byte_fallback(const char* bytes, size_t length, std::vector<int32_t>& symbols) const;

  std::unordered_map<std::string, int32_t> vocab_;
  std::unordered_map<int32_t, std::string> vocab_r_;
  // Pair -> merge, built in an unordered_map while loading, then moved into an open-addressing
  // table (linear probing, load <= 1/2): merging long words spends most of its time here.
  struct MergeSlot {
    uint64_t key;
    MergeTarget target;
  };
  static constexpr uint64_t kEmptySlot = ~uint64_t{0};  // no valid pair has both ids = -1
  void build_merge_table(const std::unordered_map<uint64_t, MergeTarget>& merges);
  std::vector<MergeSlot> merge_table_;
  uint64_t merge_mask_ = 0;
  std::optional<std::string> unk_token_;
  std::optional<std::string> continuing_subword_prefix_;
  std::optional<std::string> end_of_word_suffix_;
  bool fuse_unk_ = false;
  bool byte_fallback_ = false;
  bool ignore_merges_ = false;
  std::unique_ptr<WordCache> cache_;
  // Whole texts reach merge_word when there is no pre-tokenizer (Llama-2, Gemma): these tables
  // give each character's id and each byte's <0xXX> id without building a string per character.
  // Key of char_ids_: the character's bytes, packed little-endian, with its length in bits 32+.
  std::unordered_map<uint64_t, int32_t> char_ids_;
  std::array<int32_t, 256> byte_fallback_ids_{};  // -1 where <0xXX> is not in the vocab
  bool every_byte_falls_back_ = false;           // byte_fallback with all 256 <0xXX> tokens
  // Empty when the merges table allows no cut (or prefixes/suffixes make atoms position-dependent).
  BpeCutPoints cut_points_;
};

}  // namespace rb::text

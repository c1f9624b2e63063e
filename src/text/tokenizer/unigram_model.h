#pragma once
// tokenizer.json "model" of type Unigram, segmented exactly as Hugging Face's Rust
// Unigram::encode_optimized: a Viterbi pass over every vocabulary piece that starts at each
// character (pieces found through a byte trie), unknown characters scored min_score - 10,
// ties keep the path found first (the earlier start); consecutive unknowns are fused into one
// unk, and with byte_fallback a piece missing from the vocab becomes its <0xXX> byte tokens.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "text/tokenizer/model.h"

namespace rb::text {

class UnigramModel final : public Model {
 public:
  UnigramModel(const nlohmann::json& config, const JsonContext& ctx);
  // Direct construction (SentencePiece conversion): pieces in id order with their scores.
  UnigramModel(std::vector<std::pair<std::string, double>> pieces, std::optional<int32_t> unk_id,
               bool byte_fallback, const std::string& origin);

  void tokenize(const std::string& word, std::vector<int32_t>& ids) const override;
  std::optional<int32_t> token_to_id(const std::string& token) const override;
  std::optional<std::string> id_to_token(int32_t id) const override;
  size_t vocab_size() const override { return pieces_.size(); }

  // The segmentation as strings (unknown runs fused), exposed for tests.
  std::vector<std::string> segment(const std::string& sentence) const;

 private:
  void build(const std::string& origin);
  // Calls visit(piece_id, end_byte) for every vocab piece that is a prefix of text[start..].
  template <typename Visit>
  void for_each_prefix(const std::string& text, size_t start, Visit visit) const;

  std::vector<std::pair<std::string, double>> pieces_;
  std::unordered_map<std::string, int32_t> ids_;
  std::optional<int32_t> unk_id_;
  bool byte_fallback_ = false;
  double min_score_ = 0;
  // Byte trie: (node << 8 | byte) -> child node; terminal_[node] = piece id or -1.
  std::unordered_map<uint64_t, int32_t> edges_;
  std::vector<int32_t> terminal_;
};

}  // namespace rb::text

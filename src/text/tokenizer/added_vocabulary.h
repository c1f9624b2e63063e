#pragma once
// tokenizer.json "added_tokens", as Hugging Face's AddedVocabulary handles them: tokens that
// are not normalized are found in the raw text first, then normalized ones in the normalized
// remaining pieces; matching is leftmost-longest and honours single_word / lstrip / rstrip.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "text/tokenizer/json_fields.h"
#include "text/tokenizer/normalizer.h"
#include "text/tokenizer/piece.h"

namespace rb::text {

struct AddedToken {
  std::string content;
  bool single_word = false;
  bool lstrip = false;
  bool rstrip = false;
  bool normalized = true;
  bool special = false;
};

// Byte trie answering leftmost-longest queries, like aho-corasick's LeftmostLongest.
class TokenTrie {
 public:
  struct Match {
    size_t start = 0;
    size_t end = 0;
    size_t pattern = 0;
  };
  void add(std::string_view pattern, size_t pattern_index);  // first pattern wins on duplicates
  std::optional<Match> find(std::string_view text, size_t from) const;
  bool empty() const { return nodes_.size() <= 1; }

 private:
  struct Node {
    std::vector<std::pair<unsigned char, int32_t>> edges;
    int64_t pattern = -1;
  };
  int32_t child(int32_t node, unsigned char byte) const;
  std::vector<Node> nodes_{Node{}};
  bool first_byte_[256] = {};
};

// What the added vocabulary needs to know about the model's vocabulary.
struct ModelVocabView {
  std::function<std::optional<int32_t>(const std::string&)> token_to_id;
  size_t vocab_size = 0;
};

class AddedVocabulary {
 public:
  AddedVocabulary() = default;
  AddedVocabulary(const nlohmann::json& added_tokens, const JsonContext& ctx,
                  const ModelVocabView& model, const Normalizer* normalizer);

  // Splits `text` into added tokens and normalized text pieces (empty pieces dropped).
  Pieces extract_and_normalize(std::string_view text, const Normalizer* normalizer) const;

  std::optional<int32_t> token_to_id(std::string_view content) const;
  const AddedToken* token_for_id(int32_t id) const;
  const std::unordered_map<std::string, int32_t>& ids_by_content() const { return ids_; }

 private:
  void add_token(const AddedToken& token, const ModelVocabView& model);
  void build_tries(const Normalizer* normalizer);
  void split_pieces(const TokenTrie& trie, const std::vector<int32_t>& trie_ids,
                    std::string_view text, Pieces& out) const;

  std::unordered_map<std::string, int32_t> ids_;         // content -> id
  int32_t max_id_ = -1;                                   // largest value in ids_
  std::unordered_map<int32_t, AddedToken> tokens_by_id_;  // id -> token
  std::vector<AddedToken> special_tokens_;                // in order of appearance
  std::unordered_set<std::string> special_contents_;
  std::vector<AddedToken> plain_tokens_;                  // non-special, in order
  TokenTrie raw_trie_;
  std::vector<int32_t> raw_trie_ids_;
  TokenTrie normalized_trie_;
  std::vector<int32_t> normalized_trie_ids_;
};

}  // namespace rb::text

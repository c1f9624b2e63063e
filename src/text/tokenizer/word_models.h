#pragma once
// tokenizer.json models that look words up whole or greedily: WordPiece (BERT: greedy
// longest-match-first with a continuing-subword prefix, the whole word becomes unk when any
// part is missing or it is longer than max_input_chars_per_word characters) and WordLevel
// (one id per word, unk otherwise).
#include <string>
#include <unordered_map>

#include "text/tokenizer/model.h"

namespace rb::text {

// Vocab as a {token: id} object, shared by WordPiece and WordLevel.
class VocabMap {
 public:
  VocabMap(const nlohmann::json& vocab, const JsonContext& ctx);
  std::optional<int32_t> find(const std::string& token) const;
  std::optional<std::string> token(int32_t id) const;
  size_t size() const { return ids_.size(); }

 private:
  std::unordered_map<std::string, int32_t> ids_;
  std::unordered_map<int32_t, std::string> tokens_;
};

class WordPieceModel final : public Model {
 public:
  WordPieceModel(const nlohmann::json& config, const JsonContext& ctx);
  void tokenize(const std::string& word, std::vector<int32_t>& ids) const override;
  std::optional<int32_t> token_to_id(const std::string& token) const override { return vocab_.find(token); }
  std::optional<std::string> id_to_token(int32_t id) const override { return vocab_.token(id); }
  size_t vocab_size() const override { return vocab_.size(); }

 private:
  int32_t unk_id() const;
  VocabMap vocab_;
  std::string unk_token_;
  std::string continuing_subword_prefix_;
  size_t max_input_chars_per_word_;
  std::string origin_;
};

class WordLevelModel final : public Model {
 public:
  WordLevelModel(const nlohmann::json& config, const JsonContext& ctx);
  void tokenize(const std::string& word, std::vector<int32_t>& ids) const override;
  std::optional<int32_t> token_to_id(const std::string& token) const override { return vocab_.find(token); }
  std::optional<std::string> id_to_token(int32_t id) const override { return vocab_.token(id); }
  size_t vocab_size() const override { return vocab_.size(); }

 private:
  VocabMap vocab_;
  std::string unk_token_;
  std::string origin_;
};

}  // namespace rb::text

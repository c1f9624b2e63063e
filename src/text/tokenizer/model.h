#pragma once
// tokenizer.json "model": turns one pre-token into ids. Implementations: BPE (bpe_model.h),
// Unigram (unigram_model.h), WordPiece and WordLevel (word_models.h). SentencePiece .model files
// become one of these through sentencepiece_convert.h.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "text/tokenizer/json_fields.h"

namespace rb::text {

class Model {
 public:
  virtual ~Model() = default;
  // Appends the ids of one pre-token (valid UTF-8). Must be safe to call concurrently.
  virtual void tokenize(const std::string& word, std::vector<int32_t>& ids) const = 0;
  // The same, told whether the piece begins the input (only SentencePiece files care).
  virtual void tokenize_at(const std::string& word, bool /*at_input_start*/, std::vector<int32_t>& ids) const {
    tokenize(word, ids);
  }
  virtual std::optional<int32_t> token_to_id(const std::string& token) const = 0;
  virtual std::optional<std::string> id_to_token(int32_t id) const = 0;
  virtual size_t vocab_size() const = 0;
};

// Builds the model named by config["type"] (BPE when absent, as Rust infers it from "merges").
std::unique_ptr<Model> make_model(const nlohmann::json& config, const JsonContext& ctx);

// "<0xAB>": the byte-fallback token name of one byte (BPE and Unigram share it).
std::string byte_fallback_token(unsigned char byte);

}  // namespace rb::text

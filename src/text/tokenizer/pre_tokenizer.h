#pragma once
// tokenizer.json "pre_tokenizer": Split (Regex or String pattern, every behaviour, invert),
// ByteLevel and Sequence, with the exact splitting rules of Hugging Face's NormalizedString.
#include <memory>

#include <nlohmann/json.hpp>

#include "text/tokenizer/json_fields.h"
#include "text/tokenizer/piece.h"

namespace rb::text {

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  // Splits every text piece further; added-token pieces pass through; empty pieces are dropped.
  virtual void pre_tokenize(Pieces& pieces) const = 0;
};

// Returns nullptr for JSON null; throws rb::TokenizerError for unsupported types.
std::unique_ptr<PreTokenizer> make_pre_tokenizer(const nlohmann::json& config,
                                                 const JsonContext& ctx);

enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

}  // namespace rb::text

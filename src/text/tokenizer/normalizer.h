#pragma once
// tokenizer.json "normalizer": NFC/NFD/NFKC/NFKD (ICU), Lowercase, Replace, Prepend, Strip,
// Sequence. Only the normalized text matters to us (ids, not offsets), so no alignments are kept.
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "text/tokenizer/json_fields.h"

namespace rb::text {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual void normalize(std::string& text) const = 0;  // valid UTF-8 in, valid UTF-8 out
};

// Returns nullptr for a JSON null (no normalizer); throws rb::TokenizerError for unknown types.
std::unique_ptr<Normalizer> make_normalizer(const nlohmann::json& config, const JsonContext& ctx);

}  // namespace rb::text

#pragma once
// tokenizer.json "post_processor" for single sequences: ByteLevel (ids unchanged),
// TemplateProcessing, BertProcessing, RobertaProcessing, Sequence, or null.
#include <cstdint>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "text/tokenizer/json_fields.h"

namespace rb::text {

class PostProcessor {
 public:
  virtual ~PostProcessor() = default;
  // Ids this processor adds around one sequence when add_special_tokens is true.
  virtual size_t added_tokens_single() const = 0;
  virtual void process_single(std::vector<int32_t>& ids, bool add_special_tokens) const = 0;
};

// Returns nullptr for JSON null; throws rb::TokenizerError for unsupported types.
std::unique_ptr<PostProcessor> make_post_processor(const nlohmann::json& config,
                                                   const JsonContext& ctx);

}  // namespace rb::text

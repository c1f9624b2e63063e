#pragma once
// The shared decoder (Llama-style pre-norm transformer with RMSNorm, RoPE, GQA attention and a
// gated MLP) as an architecture: decoder_architecture() registers a family from its DecoderVariant
// with the two standard heads, transformers' bias-free `score` (*ForSequenceClassification) and
// `lm_head` (*ForCausalLM, tied or not). Torch-free header.
#include <string>

#include "model/architecture.h"
#include "model/decoder_variant.h"
#include "model/reward_model.h"

namespace rb::model {

// The Architecture of a shared-decoder family (what models/<family>.cpp returns).
// `reward_pooling`: which token the classifier scores (the olmo_adapter classes' differs).
Architecture decoder_architecture(const std::string& model_type, const std::string& reward_class,
                                  const std::string& causal_lm_class, const DecoderVariant& variant,
                                  PoolingRule reward_pooling = PoolingRule::RightmostNonPad);

}  // namespace rb::model

#pragma once
// The decoder shared by every registered architecture (Llama-style pre-norm transformer with
// RMSNorm, RoPE, GQA attention, SwiGLU MLP and a bias-free score head). Torch-free header.
#include <memory>

#include "io/safetensors.h"
#include "model/architecture.h"
#include "model/model_config.h"
#include "model/reward_model.h"

namespace rb::model {

// Loads all weights (names as in transformers' *ForSequenceClassification) and returns the model.
std::unique_ptr<RewardModel> build_decoder_model(const ModelConfig& config, const ArchitectureSpec& spec,
                                                 const io::SafetensorsCheckpoint& checkpoint,
                                                 const LoadOptions& options);

// The same network with transformers' lm_head (tied to embed_tokens when tie_word_embeddings).
std::unique_ptr<CausalLanguageModel> build_decoder_causal_lm(const ModelConfig& config, const ArchitectureSpec& spec,
                                                             const io::SafetensorsCheckpoint& checkpoint,
                                                             const LoadOptions& options);

// Checks a batch's bookkeeping (offsets, pool indices, positions, token ids < vocab_size);
// throws rb::InputError saying which sequence is wrong.
void validate_packed_batch(const PackedBatch& batch, int64_t vocab_size);

}  // namespace rb::model

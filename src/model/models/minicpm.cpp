// MiniCPMForCausalLM / MiniCPMForSequenceClassification (OpenBMB remote code, MiniCPM-2B-dpo):
// the Llama layer with three scalings from config.json: embeddings times scale_emb, each attention
// and MLP output times scale_depth / sqrt(num_hidden_layers) before its residual add, and the LM
// head's input divided by hidden_size / dim_model_base (the score head reads the hidden states
// unscaled). Tied embeddings by default. Defaults are MiniCPMConfig's (all three scalings 1).
#include <cmath>

#include "model/decoder.h"

namespace rb::model {

Architecture minicpm_architecture() {
  DecoderVariant minicpm;
  minicpm.qkv_bias = minicpm.o_bias = BiasRule::FromAttentionBias;
  minicpm.default_tie_word_embeddings = true;
  minicpm.resolve_family = [](const ModelConfig& config, DecoderLayout& layout) {
    layout.embedding_multiplier = config.scale_emb.value_or(1.0);
    layout.residual_multiplier =
        config.scale_depth.value_or(1.0) / std::sqrt(static_cast<double>(config.num_hidden_layers));
    layout.lm_head_input_divisor = static_cast<double>(config.hidden_size) / config.dim_model_base.value_or(1.0);
  };
  return decoder_architecture("minicpm", "MiniCPMForSequenceClassification", "MiniCPMForCausalLM", minicpm);
}

}  // namespace rb::model

// MixtralForSequenceClassification / MixtralForCausalLM: Mistral's attention (no biases, the
// window on every layer when set) with a sparse MoE block on every layer: num_local_experts gated
// experts (default 8), each token routed to num_experts_per_tok (default 2) by a float32 softmax
// over the router logits, the top-k weights renormalised to sum 1. Checkpoint names
// block_sparse_moe.experts.<e>.w1/w2/w3 or transformers 5's fused mlp.experts.*. Defaults are
// MixtralConfig's (rms_norm_eps 1e-5, rope_theta 1e6).
#include "model/decoder.h"

#include "common/error.h"

namespace rb::model {

Architecture mixtral_architecture() {
  DecoderVariant mixtral;
  mixtral.sliding_window = SlidingWindowRule::AllLayers;
  mixtral.mlp = MlpKind::SparseMoe;
  mixtral.default_norm_eps = 1e-5;
  mixtral.default_rope_theta = 1e6;
  mixtral.resolve_family = [](const ModelConfig& config, DecoderLayout& layout) {
    MoeLayout& moe = layout.moe;
    moe.experts = config.num_experts.value_or(8);
    moe.top_k = config.num_experts_per_tok.value_or(2);
    moe.normalize_top_k = true;
    moe.float32_weights = true;
    moe.expert_intermediate = config.intermediate_size;
    moe.sparse_layer.assign(static_cast<size_t>(config.num_hidden_layers), true);
    if (moe.experts < 1 || moe.top_k < 1 || moe.top_k > moe.experts)
      throw ModelError(config.source + ": field 'num_experts_per_tok': must be between 1 and num_local_experts");
  };
  return decoder_architecture("mixtral", "MixtralForSequenceClassification", "MixtralForCausalLM", mixtral);
}

}  // namespace rb::model

// Qwen2MoeForSequenceClassification / Qwen2MoeForCausalLM (Qwen1.5-MoE): Qwen2's attention (q/k/v
// bias) with, on every decoder_sparse_step-th layer not in mlp_only_layers, a sparse MoE block:
// num_experts gated experts of moe_intermediate_size, num_experts_per_tok per token from a float32
// softmax (renormalised only when norm_topk_prob), plus a shared expert of
// shared_expert_intermediate_size scaled by sigmoid(shared_expert_gate(x)); other layers keep a
// dense gated MLP of intermediate_size. Defaults are Qwen2MoeConfig's.
#include "model/decoder.h"

#include <algorithm>

#include "common/error.h"

namespace rb::model {

Architecture qwen2_moe_architecture() {
  DecoderVariant qwen2_moe;
  qwen2_moe.qkv_bias = BiasRule::Always;
  qwen2_moe.sliding_window = SlidingWindowRule::QwenStyle;
  qwen2_moe.default_max_window_layers = 28;
  qwen2_moe.mlp = MlpKind::SparseMoe;
  qwen2_moe.resolve_family = [](const ModelConfig& config, DecoderLayout& layout) {
    MoeLayout& moe = layout.moe;
    moe.experts = config.num_experts.value_or(60);
    moe.top_k = config.num_experts_per_tok.value_or(4);
    moe.normalize_top_k = config.norm_topk_prob.value_or(false);
    moe.expert_intermediate = config.moe_intermediate_size.value_or(1408);
    moe.shared_intermediate = config.shared_expert_intermediate_size.value_or(5632);
    const int64_t step = config.decoder_sparse_step.value_or(1);
    if (moe.experts < 1 || moe.top_k < 1 || moe.top_k > moe.experts || step < 1)
      throw ModelError(config.source + ": field 'num_experts_per_tok': must be between 1 and num_experts (and "
                                       "decoder_sparse_step positive)");
    for (int64_t layer = 0; layer < config.num_hidden_layers; ++layer) {
      const bool dense_only = std::find(config.mlp_only_layers.begin(), config.mlp_only_layers.end(), layer) !=
                              config.mlp_only_layers.end();
      moe.sparse_layer.push_back(!dense_only && (layer + 1) % step == 0);
    }
  };
  return decoder_architecture("qwen2_moe", "Qwen2MoeForSequenceClassification", "Qwen2MoeForCausalLM", qwen2_moe);
}

}  // namespace rb::model

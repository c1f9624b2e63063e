// OlmoeForSequenceClassification / OlmoeForCausalLM (transformers' OLMoE, allenai/OLMoE-1B-7B):
// the Llama layer (pre-norm RMSNorm, RoPE) with q_norm/k_norm RMSNorms over the whole q and k
// projections, then q, k and v clamped to +-clip_qkv when set, and on every layer a sparse MoE
// block without a shared expert: num_experts gated experts of intermediate_size, top
// num_experts_per_tok of a float32 softmax (renormalised only when norm_topk_prob), the weights
// cast to the compute dtype. Defaults are OlmoeConfig's (64 experts, top 8, rms_norm_eps 1e-5).
// The classifier is the reference's scripts/olmo_adapter one (a bias-free `score` at the token
// before the first pad id); transformers has none.
#include "model/decoder.h"

#include "common/error.h"

namespace rb::model {

Architecture olmoe_architecture() {
  DecoderVariant olmoe;
  olmoe.qkv_bias = olmoe.o_bias = BiasRule::FromAttentionBias;
  olmoe.default_norm_eps = 1e-5;
  olmoe.qk_norm = QkNorm::FullWidthRms;
  olmoe.clips_qkv = true;
  olmoe.mlp = MlpKind::SparseMoe;
  olmoe.resolve_family = [](const ModelConfig& config, DecoderLayout& layout) {
    MoeLayout& moe = layout.moe;
    moe.experts = config.num_experts.value_or(64);
    moe.top_k = config.num_experts_per_tok.value_or(8);
    moe.normalize_top_k = config.norm_topk_prob.value_or(false);
    moe.expert_intermediate = config.intermediate_size;
    if (moe.experts < 1 || moe.top_k < 1 || moe.top_k > moe.experts)
      throw ModelError(config.source + ": field 'num_experts_per_tok': must be between 1 and num_experts");
    moe.sparse_layer.assign(static_cast<size_t>(config.num_hidden_layers), true);
  };
  return decoder_architecture("olmoe", "OlmoeForSequenceClassification", "OlmoeForCausalLM", olmoe,
                              PoolingRule::BeforeFirstPad);  // the olmo_adapter's classifier
}

}  // namespace rb::model

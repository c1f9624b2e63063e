// Qwen3ForSequenceClassification: q_norm/k_norm (RMSNorm over head_dim) before RoPE,
// q/k/v/o bias from attention_bias, head_dim defaults to 128 (Qwen3Config), Qwen-style window.
#include "model/architecture.h"

namespace rb::model {

ArchitectureSpec qwen3_architecture() {
  ArchitectureSpec spec;
  spec.class_name = "Qwen3ForSequenceClassification";
  spec.causal_lm_class_name = "Qwen3ForCausalLM";
  spec.model_type = "qwen3";
  spec.qkv_bias = BiasRule::FromAttentionBias;
  spec.o_bias = BiasRule::FromAttentionBias;
  spec.qk_norm = true;
  spec.sliding_window = SlidingWindowRule::QwenStyle;
  spec.default_head_dim = 128;
  spec.default_max_window_layers = 28;
  return spec;
}

}  // namespace rb::model

// Gemma3TextForSequenceClassification / Gemma3ForCausalLM (model_type gemma3_text): Gemma-2's
// block plus q/k RMSNorm (1 + weight) before RoPE; every sliding_window_pattern-th layer (default
// 6) is full attention, the others slide (window 4096 by default) and use their own rope
// (rope_local_base_freq, default 10000, or rope_parameters["sliding_attention"]). Final logit
// soft-capping on the LM head only when the config sets it; attn_logit_softcapping is ignored, as
// transformers 5's Gemma3Attention does (it never hands it to the attention function).
// Defaults are Gemma3TextConfig's (transformers 5).
#include "model/architecture.h"

namespace rb::model {

ArchitectureSpec gemma3_architecture() {
  ArchitectureSpec spec;
  spec.class_name = "Gemma3TextForSequenceClassification";
  spec.causal_lm_class_name = "Gemma3ForCausalLM";
  spec.model_type = "gemma3_text";
  spec.qkv_bias = BiasRule::FromAttentionBias;
  spec.o_bias = BiasRule::FromAttentionBias;
  spec.qk_norm = true;
  spec.sliding_window = SlidingWindowRule::Alternating;
  spec.default_sliding_window_pattern = 6;
  spec.default_sliding_window = 4096;
  spec.default_head_dim = 256;
  spec.default_tie_word_embeddings = true;
  spec.default_activation = "gelu_pytorch_tanh";
  spec.gemma_block = true;
  spec.default_query_pre_attn_scalar = 256;
  spec.applies_attn_logit_softcapping = false;
  spec.local_rope_for_sliding_layers = true;
  spec.default_rope_local_base_freq = 10000.0;
  spec.default_rope_theta = 1000000.0;
  return spec;
}

}  // namespace rb::model

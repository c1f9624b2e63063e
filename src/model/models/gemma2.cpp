// Gemma2ForSequenceClassification / Gemma2ForCausalLM: the shared decoder with Gemma's block
// (RMSNorm scaling by 1 + weight in float32, norms before and after attention and MLP,
// embeddings times sqrt(hidden_size) in the compute dtype), gelu_pytorch_tanh MLP, attention
// scaled by query_pre_attn_scalar^-0.5 with tanh soft-capping of the logits (default 50), even
// layers sliding (window 4096 by default), final logit soft-capping on the LM head (default 30),
// tied embeddings by default. Defaults are Gemma2Config's (transformers 5).
#include "model/architecture.h"

namespace rb::model {

ArchitectureSpec gemma2_architecture() {
  ArchitectureSpec spec;
  spec.class_name = "Gemma2ForSequenceClassification";
  spec.causal_lm_class_name = "Gemma2ForCausalLM";
  spec.model_type = "gemma2";
  spec.qkv_bias = BiasRule::FromAttentionBias;
  spec.o_bias = BiasRule::FromAttentionBias;
  spec.sliding_window = SlidingWindowRule::Alternating;
  spec.default_sliding_window_pattern = 2;
  spec.default_sliding_window = 4096;
  spec.default_head_dim = 256;
  spec.default_tie_word_embeddings = true;
  spec.default_activation = "gelu_pytorch_tanh";
  spec.gemma_block = true;
  spec.default_query_pre_attn_scalar = 256;
  spec.default_attn_logit_softcapping = 50.0;
  spec.default_final_logit_softcapping = 30.0;
  return spec;
}

}  // namespace rb::model

// Gemma2ForSequenceClassification / Gemma2ForCausalLM: the shared decoder with Gemma's block
// (RMSNorm scaling by 1 + weight in float32, norms before and after attention and MLP,
// embeddings times sqrt(hidden_size) in the compute dtype), gelu_pytorch_tanh MLP, attention
// scaled by query_pre_attn_scalar^-0.5 with tanh soft-capping of the logits (default 50), even
// layers sliding (window 4096 by default), final logit soft-capping on the LM head (default 30),
// tied embeddings by default. Defaults are Gemma2Config's (transformers 5).
#include "model/decoder.h"

namespace rb::model {

Architecture gemma2_architecture() {
  DecoderVariant gemma2 = gemma_block_variant(/*sliding_window_pattern=*/2);
  gemma2.default_attn_logit_softcapping = 50.0;
  gemma2.default_final_logit_softcapping = 30.0;
  return decoder_architecture("gemma2", "Gemma2ForSequenceClassification", "Gemma2ForCausalLM", gemma2);
}

}  // namespace rb::model

// Gemma3TextForSequenceClassification / Gemma3ForCausalLM (model_type gemma3_text): Gemma-2's
// block plus q/k RMSNorm (1 + weight) before RoPE; every sliding_window_pattern-th layer (default
// 6) is full attention, the others slide (window 4096 by default) and use their own rope
// (rope_local_base_freq, default 10000, or rope_parameters["sliding_attention"]). Final logit
// soft-capping on the LM head only when the config sets it; attn_logit_softcapping is ignored, as
// transformers 5's Gemma3Attention does (it never hands it to the attention function).
// Defaults are Gemma3TextConfig's (transformers 5).
#include "model/decoder.h"

namespace rb::model {

Architecture gemma3_architecture() {
  DecoderVariant gemma3 = gemma_block_variant(/*sliding_window_pattern=*/6);
  gemma3.qk_norm = QkNorm::PerHeadRms;
  gemma3.applies_attn_logit_softcapping = false;
  gemma3.local_rope_for_sliding_layers = true;
  gemma3.default_rope_local_base_freq = 10000.0;
  gemma3.default_rope_theta = 1000000.0;
  return decoder_architecture("gemma3_text", "Gemma3TextForSequenceClassification", "Gemma3ForCausalLM", gemma3);
}

}  // namespace rb::model

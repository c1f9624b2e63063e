// Olmo2ForSequenceClassification (the reference's scripts/olmo_adapter: Olmo2Model + a bias-free
// `score`) / Olmo2ForCausalLM: norms after the blocks, x + norm(attn(x)) then + norm(mlp(.)),
// RMSNorm computing (weight * normed) in float32 before the cast back, q_norm/k_norm over the
// whole q/k projection before the heads are split, RoPE in float32. Defaults are Olmo2Config's
// (rms_norm_eps 1e-5).
// The adapter pools at argmax(input_ids == pad) - 1, the token before the first pad id, which is
// not the rightmost non-pad token when the pad id (eos, under run_rm's pad := eos) ends an earlier
// turn of a multi-turn text.
#include "model/decoder.h"

namespace rb::model {

Architecture olmo2_architecture() {
  DecoderVariant olmo2;
  olmo2.qkv_bias = olmo2.o_bias = BiasRule::FromAttentionBias;
  olmo2.norm = NormKind::RmsWeightFirst;
  olmo2.default_norm_eps = 1e-5;
  olmo2.placement = NormPlacement::Post;
  olmo2.qk_norm = QkNorm::FullWidthRms;
  olmo2.rope_in_float32 = true;
  return decoder_architecture("olmo2", "Olmo2ForSequenceClassification", "Olmo2ForCausalLM", olmo2,
                              PoolingRule::BeforeFirstPad);
}

}  // namespace rb::model

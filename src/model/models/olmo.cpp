// OlmoForSequenceClassification / OlmoForCausalLM (transformers' OLMo, the hf-format
// OLMo-7B checkpoints): the Llama layer with OLMo's parameter-free LayerNorm (F.layer_norm of
// x.float(), eps 1e-5, cast back) everywhere, RoPE in float32 (cos/sin never cast down), and q, k
// and v clamped to +-clip_qkv when the
// config sets it. Defaults are OlmoConfig's.
#include "model/decoder.h"

namespace rb::model {

Architecture olmo_architecture() {
  DecoderVariant olmo;
  olmo.qkv_bias = olmo.o_bias = BiasRule::FromAttentionBias;
  olmo.norm = NormKind::LayerNormNoParams;
  olmo.norm_eps_key = NormEpsKey::Fixed;
  olmo.default_norm_eps = 1e-5;
  olmo.clips_qkv = true;
  olmo.rope_in_float32 = true;
  return decoder_architecture("olmo", "OlmoForSequenceClassification", "OlmoForCausalLM", olmo);
}

}  // namespace rb::model

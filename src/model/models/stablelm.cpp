// StableLmForSequenceClassification / StableLmForCausalLM (StableLM-2, StableLM-zephyr,
// stable-code): nn.LayerNorm with bias (layer_norm_eps, default 1e-5), RoPE on the first
// int(head_dim * partial_rotary_factor) dims of each head (default 0.25), q/k/v bias from
// use_qkv_bias, a bias-free LayerNorm per head on q and k when qk_layernorm, and with
// use_parallel_residual one input norm feeding both branches: (x + attn(ln(x))) + mlp(ln(x)).
// Gated SiLU MLP without bias, o_proj without bias. Defaults are StableLmConfig's.
#include "model/decoder.h"

namespace rb::model {

Architecture stablelm_architecture() {
  DecoderVariant stablelm;
  stablelm.norm = NormKind::LayerNorm;
  stablelm.norm_eps_key = NormEpsKey::LayerNormEps;
  stablelm.default_norm_eps = 1e-5;
  stablelm.partial_rotary = true;
  stablelm.resolve_family = [](const ModelConfig& config, DecoderLayout& layout) {
    layout.qkv_bias = config.use_qkv_bias.value_or(false);
    if (config.qk_layernorm.value_or(false)) layout.qk_norm = QkNorm::PerHeadLayerNorm;
    if (config.use_parallel_residual.value_or(false)) layout.placement = NormPlacement::Parallel;
  };
  return decoder_architecture("stablelm", "StableLmForSequenceClassification", "StableLmForCausalLM", stablelm);
}

}  // namespace rb::model

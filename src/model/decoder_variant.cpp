#include "model/decoder_variant.h"

#include <cmath>

#include "common/error.h"

namespace rb::model {
namespace {

bool resolve_bias(BiasRule rule, const ModelConfig& config) {
  switch (rule) {
    case BiasRule::Never: return false;
    case BiasRule::Always: return true;
    case BiasRule::FromAttentionBias: return config.attention_bias;
    case BiasRule::FromMlpBias: return config.mlp_bias;
  }
  return false;
}

std::vector<std::optional<int64_t>> resolve_windows(const DecoderVariant& variant, const ModelConfig& config) {
  std::vector<std::optional<int64_t>> windows(static_cast<size_t>(config.num_hidden_layers));
  if (variant.sliding_window == SlidingWindowRule::AllLayers) {
    for (auto& window : windows) window = config.sliding_window;
  } else if (variant.sliding_window == SlidingWindowRule::Alternating) {
    const std::optional<int64_t> window = config.sliding_window_given ? config.sliding_window : variant.default_sliding_window;
    const int64_t pattern = config.sliding_window_pattern.value_or(variant.default_sliding_window_pattern);
    for (size_t layer = 0; layer < windows.size(); ++layer) {
      const bool sliding = config.layer_types.empty() ? (layer + 1) % static_cast<size_t>(pattern) != 0
                                                      : config.layer_types[layer] == "sliding_attention";
      if (sliding) windows[layer] = window;
    }
  } else if (variant.sliding_window == SlidingWindowRule::QwenStyle && config.use_sliding_window &&
             config.sliding_window) {
    const int64_t first_sliding = config.max_window_layers.value_or(variant.default_max_window_layers);
    for (size_t layer = 0; layer < windows.size(); ++layer) {
      const bool sliding = config.layer_types.empty()
                               ? static_cast<int64_t>(layer) >= first_sliding
                               : config.layer_types[layer] == "sliding_attention";
      if (sliding) windows[layer] = config.sliding_window;
    }
  }
  for (const auto& window : windows) {
    if (window && *window <= 0)
      throw ModelError(config.source + ": field 'sliding_window': must be positive");
  }
  return windows;
}

double resolve_norm_eps(const DecoderVariant& variant, const ModelConfig& config) {
  switch (variant.norm_eps_key) {
    case NormEpsKey::RmsNormEps: return config.rms_norm_eps_given ? config.rms_norm_eps : variant.default_norm_eps;
    case NormEpsKey::LayerNormEps: return config.layer_norm_eps.value_or(variant.default_norm_eps);
    case NormEpsKey::NormEpsilon: return config.norm_epsilon.value_or(variant.default_norm_eps);
    case NormEpsKey::Fixed: return variant.default_norm_eps;
  }
  return variant.default_norm_eps;
}

// int(head_dim * partial_rotary_factor), as transformers sizes the rotary part.
int64_t resolve_rotary_dim(const DecoderVariant& variant, const ModelConfig& config, int64_t head_dim) {
  const double factor = config.rope.partial_rotary_factor;
  if (factor != 1.0 && !variant.partial_rotary)
    throw ModelError(config.source + ": field 'partial_rotary_factor': only 1.0 (full rotary) is supported for " +
                     config.common.model_type);
  const auto rotary = static_cast<int64_t>(static_cast<double>(head_dim) * factor);
  if (rotary <= 0 || rotary % 2 != 0)
    throw ModelError(config.source + ": field 'partial_rotary_factor': gives " + std::to_string(rotary) +
                     " rotary dims of " + std::to_string(head_dim) + " (must be even and positive)");
  return rotary;
}

}  // namespace

DecoderVariant gemma_block_variant(int64_t sliding_window_pattern) {
  DecoderVariant gemma;
  gemma.qkv_bias = gemma.o_bias = BiasRule::FromAttentionBias;
  gemma.sliding_window = SlidingWindowRule::Alternating;
  gemma.default_sliding_window_pattern = sliding_window_pattern;
  gemma.default_sliding_window = 4096;
  gemma.default_head_dim = 256;
  gemma.default_tie_word_embeddings = true;
  gemma.default_activation = Activation::GeluPytorchTanh;
  gemma.norm = NormKind::RmsOnePlus;
  gemma.placement = NormPlacement::Sandwich;
  gemma.scale_embeddings = true;
  gemma.uses_query_pre_attn_scalar = true;
  gemma.default_query_pre_attn_scalar = 256;
  return gemma;
}

DecoderLayout resolve_layout(const DecoderVariant& variant, const ModelConfig& config) {
  DecoderLayout layout;
  layout.head_dim = config.head_dim;
  if (!config.head_dim_given && variant.default_head_dim) layout.head_dim = *variant.default_head_dim;
  layout.qkv_bias = resolve_bias(variant.qkv_bias, config);
  layout.o_bias = resolve_bias(variant.o_bias, config);
  layout.mlp_bias = resolve_bias(variant.mlp_bias, config);
  layout.qk_norm = variant.qk_norm;
  layout.norm = variant.norm;
  layout.placement = variant.placement;
  layout.mlp = variant.mlp;
  layout.names = variant.names;
  layout.norm_eps = resolve_norm_eps(variant, config);
  layout.scale_embeddings = variant.scale_embeddings;
  layout.rotary_dim = resolve_rotary_dim(variant, config, layout.head_dim);
  if (variant.clips_qkv) layout.clip_qkv = config.clip_qkv;
  layout.rope_in_float32 = variant.rope_in_float32;
  layout.window_per_layer = resolve_windows(variant, config);
  layout.activation = config.hidden_act.value_or(variant.default_activation);
  const std::optional<double> scalar = config.query_pre_attn_scalar.or_default(variant.default_query_pre_attn_scalar);
  layout.attention_scale =
      std::pow(scalar && variant.uses_query_pre_attn_scalar ? *scalar : static_cast<double>(layout.head_dim), -0.5);
  if (variant.applies_attn_logit_softcapping)
    layout.attn_logit_softcapping = config.attn_logit_softcapping.or_default(variant.default_attn_logit_softcapping);
  layout.final_logit_softcapping = config.final_logit_softcapping.or_default(variant.default_final_logit_softcapping);
  layout.tie_word_embeddings = config.common.tie_word_embeddings.value_or(variant.default_tie_word_embeddings);
  layout.rope = config.rope;
  if (!config.rope_theta_given && variant.default_rope_theta) layout.rope.theta = *variant.default_rope_theta;
  if (variant.local_rope_for_sliding_layers) {
    RopeConfig local;
    local.theta = variant.default_rope_local_base_freq;
    layout.sliding_rope = config.local_rope.value_or(local);
  }
  if (variant.resolve_family) variant.resolve_family(config, layout);
  return layout;
}

}  // namespace rb::model

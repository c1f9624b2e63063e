#include "model/architecture.h"

#include <cmath>

#include "common/error.h"

namespace rb::model {

#define RB_ARCHITECTURE(name) ArchitectureSpec name##_architecture();
#include "model/models/architectures.def"
#undef RB_ARCHITECTURE

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

std::string supported_list() {
  std::string list;
  for (const ArchitectureSpec& spec : registered_architectures())
    list += (list.empty() ? "" : ", ") + spec.class_name;
  return list;
}

std::string supported_causal_lm_list() {
  std::string list;
  for (const ArchitectureSpec& spec : registered_architectures())
    if (!spec.causal_lm_class_name.empty()) list += (list.empty() ? "" : ", ") + spec.causal_lm_class_name;
  return list.empty() ? "none" : list;
}

std::vector<std::optional<int64_t>> resolve_windows(const ArchitectureSpec& spec, const ModelConfig& config) {
  std::vector<std::optional<int64_t>> windows(static_cast<size_t>(config.num_hidden_layers));
  if (spec.sliding_window == SlidingWindowRule::AllLayers) {
    for (auto& window : windows) window = config.sliding_window;
  } else if (spec.sliding_window == SlidingWindowRule::Alternating) {
    const std::optional<int64_t> window = config.sliding_window_given ? config.sliding_window : spec.default_sliding_window;
    const int64_t pattern = config.sliding_window_pattern.value_or(spec.default_sliding_window_pattern);
    for (size_t layer = 0; layer < windows.size(); ++layer) {
      const bool sliding = config.layer_types.empty() ? (layer + 1) % static_cast<size_t>(pattern) != 0
                                                      : config.layer_types[layer] == "sliding_attention";
      if (sliding) windows[layer] = window;
    }
  } else if (spec.sliding_window == SlidingWindowRule::QwenStyle && config.use_sliding_window &&
             config.sliding_window) {
    const int64_t first_sliding = config.max_window_layers.value_or(spec.default_max_window_layers);
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

}  // namespace

std::vector<ArchitectureSpec> registered_architectures() {
  return {
#define RB_ARCHITECTURE(name) name##_architecture(),
#include "model/models/architectures.def"
#undef RB_ARCHITECTURE
  };
}

ArchitectureSpec find_architecture(const std::string& class_name) {
  for (const ArchitectureSpec& spec : registered_architectures())
    if (spec.class_name == class_name) return spec;
  throw ModelError("unsupported architecture '" + class_name + "' (supported: " + supported_list() + ")");
}

ArchitectureSpec architecture_for(const ModelConfig& config) {
  return architecture_for_names(config.architectures, config.source, false);
}

ArchitectureSpec architecture_for_names(const std::vector<std::string>& names, const std::string& source,
                                        bool causal_lm) {
  const std::string supported = causal_lm ? supported_causal_lm_list() : supported_list();
  if (names.empty())
    throw ModelError(source + ": field 'architectures': missing or empty (supported: " + supported + ")");
  for (const std::string& name : names) {
    for (const ArchitectureSpec& spec : registered_architectures()) {
      const std::string& registered = causal_lm ? spec.causal_lm_class_name : spec.class_name;
      if (!registered.empty() && registered == name) return spec;
    }
  }
  std::string named;
  for (const std::string& name : names) named += (named.empty() ? "" : ", ") + name;
  throw ModelError(source + ": unsupported " + std::string(causal_lm ? "causal LM " : "") + "architecture '" +
                   named + "' (supported: " + supported + ")");
}

ArchitectureSpec decoder_backbone_for(const ModelConfig& config) {
  std::string types;
  for (const ArchitectureSpec& spec : registered_architectures()) {
    if (spec.build_reward_model) continue;
    if (spec.model_type == config.model_type) return spec;
    types += (types.empty() ? "" : ", ") + spec.model_type;
  }
  throw ModelError(config.source + ": field 'model_type': '" + config.model_type +
                   "' is not a backbone this head can run on (supported: " + types + ")");
}

DecoderLayout resolve_layout(const ArchitectureSpec& spec, const ModelConfig& config) {
  DecoderLayout layout;
  layout.head_dim = config.head_dim;
  if (!config.head_dim_given && spec.default_head_dim) layout.head_dim = *spec.default_head_dim;
  layout.qkv_bias = resolve_bias(spec.qkv_bias, config);
  layout.o_bias = resolve_bias(spec.o_bias, config);
  layout.mlp_bias = resolve_bias(spec.mlp_bias, config);
  layout.qk_norm = spec.qk_norm;
  layout.window_per_layer = resolve_windows(spec, config);
  const std::string activation = config.hidden_act_given ? config.hidden_act : spec.default_activation;
  layout.activation = activation == "gelu_pytorch_tanh" ? Activation::GeluTanh
                      : activation == "gelu"            ? Activation::GeluErf
                                                        : Activation::Silu;
  layout.gemma_block = spec.gemma_block;
  const std::optional<double> scalar = config.query_pre_attn_scalar.or_default(spec.default_query_pre_attn_scalar);
  layout.attention_scale = std::pow(scalar && spec.gemma_block ? *scalar : static_cast<double>(layout.head_dim), -0.5);
  if (spec.applies_attn_logit_softcapping)
    layout.attn_logit_softcapping = config.attn_logit_softcapping.or_default(spec.default_attn_logit_softcapping);
  layout.final_logit_softcapping = config.final_logit_softcapping.or_default(spec.default_final_logit_softcapping);
  layout.tie_word_embeddings =
      config.tie_word_embeddings_given ? config.tie_word_embeddings : spec.default_tie_word_embeddings;
  layout.rope = config.rope;
  if (!config.rope_theta_given && spec.default_rope_theta) layout.rope.theta = *spec.default_rope_theta;
  if (spec.local_rope_for_sliding_layers) {
    RopeConfig local;
    local.theta = spec.default_rope_local_base_freq;
    layout.sliding_rope = config.local_rope.value_or(local);
  }
  return layout;
}

}  // namespace rb::model

#include "model/architecture.h"

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

DecoderLayout resolve_layout(const ArchitectureSpec& spec, const ModelConfig& config) {
  DecoderLayout layout;
  layout.head_dim = config.head_dim;
  if (!config.head_dim_given && spec.default_head_dim) layout.head_dim = *spec.default_head_dim;
  layout.qkv_bias = resolve_bias(spec.qkv_bias, config);
  layout.o_bias = resolve_bias(spec.o_bias, config);
  layout.mlp_bias = resolve_bias(spec.mlp_bias, config);
  layout.qk_norm = spec.qk_norm;
  layout.window_per_layer = resolve_windows(spec, config);
  return layout;
}

}  // namespace rb::model

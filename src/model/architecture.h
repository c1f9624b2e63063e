#pragma once
// An architecture is a small description of how one Hugging Face *ForSequenceClassification
// family differs from the shared decoder (src/model/decoder.cpp). Adding one = one file in
// src/model/models/ defining `ArchitectureSpec <name>_architecture()` + one line in
// src/model/models/architectures.def. Torch-free.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/model_config.h"

namespace rb::model {

// Where a projection's bias comes from.
enum class BiasRule { Never, Always, FromAttentionBias, FromMlpBias };

enum class SlidingWindowRule {
  Never,
  AllLayers,  // Mistral: config.sliding_window (if not null) on every layer
  QwenStyle,  // Qwen2/3: only if use_sliding_window; layer_types, else layers >= max_window_layers
};

struct ArchitectureSpec {
  std::string class_name;  // e.g. "LlamaForSequenceClassification"
  std::string model_type;  // e.g. "llama"
  BiasRule qkv_bias = BiasRule::Never;
  BiasRule o_bias = BiasRule::Never;
  BiasRule mlp_bias = BiasRule::Never;
  bool qk_norm = false;  // RMSNorm over head_dim on q and k before RoPE (Qwen3)
  SlidingWindowRule sliding_window = SlidingWindowRule::Never;
  std::optional<int64_t> default_head_dim;  // config class default when config.json has none
  int64_t default_max_window_layers = 0;    // QwenStyle only
};

// What one loaded model does, resolved from spec + config (no further lookups at run time).
struct DecoderLayout {
  int64_t head_dim = 0;
  bool qkv_bias = false;
  bool o_bias = false;
  bool mlp_bias = false;
  bool qk_norm = false;
  std::vector<std::optional<int64_t>> window_per_layer;  // nullopt = full causal attention
};

std::vector<ArchitectureSpec> registered_architectures();
// Throws rb::ModelError listing the supported class names.
ArchitectureSpec find_architecture(const std::string& class_name);
// Picks the architecture named in config.architectures (first one that is registered).
ArchitectureSpec architecture_for(const ModelConfig& config);
DecoderLayout resolve_layout(const ArchitectureSpec& spec, const ModelConfig& config);

}  // namespace rb::model

#pragma once
// An architecture is a small description of how one Hugging Face *ForSequenceClassification
// family differs from the shared decoder (src/model/decoder.cpp). Adding one = one file in
// src/model/models/ defining `ArchitectureSpec <name>_architecture()` + one line in
// src/model/models/architectures.def. Torch-free.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/safetensors.h"
#include "model/model_config.h"
#include "model/reward_model.h"

namespace rb::model {

// Architectures whose network is not the shared Llama-style decoder (GPT-2, GPT-NeoX, DeBERTa,
// custom heads) build themselves: they parse config.json's text themselves (their field names
// differ) and load their own weights. Both return rb::ModelError on anything unsupported.
using RewardModelBuilder = std::unique_ptr<RewardModel> (*)(const std::string& config_json,
                                                            const std::string& config_source,
                                                            const io::SafetensorsCheckpoint& checkpoint,
                                                            const LoadOptions& options);
using CausalLmBuilder = std::unique_ptr<CausalLanguageModel> (*)(const std::string& config_json,
                                                                 const std::string& config_source,
                                                                 const io::SafetensorsCheckpoint& checkpoint,
                                                                 const LoadOptions& options);

// Where a projection's bias comes from.
enum class BiasRule { Never, Always, FromAttentionBias, FromMlpBias };

enum class SlidingWindowRule {
  Never,
  AllLayers,  // Mistral: config.sliding_window (if not null) on every layer
  QwenStyle,  // Qwen2/3: only if use_sliding_window; layer_types, else layers >= max_window_layers
  // Gemma-2/3: layer_types, else every layer but each sliding_window_pattern-th (Gemma-2: 2, i.e.
  // even layers slide; Gemma-3: 6); config.sliding_window (class default 4096 when absent).
  Alternating,
};

struct ArchitectureSpec {
  std::string class_name;  // e.g. "LlamaForSequenceClassification"
  std::string model_type;  // e.g. "llama"
  // The same network with a language-model head, e.g. "LlamaForCausalLM" (DPO rewards); empty if none.
  std::string causal_lm_class_name;
  // nullptr = the shared decoder (src/model/decoder.cpp) configured by the fields below.
  RewardModelBuilder build_reward_model = nullptr;
  CausalLmBuilder build_causal_lm = nullptr;
  BiasRule qkv_bias = BiasRule::Never;
  BiasRule o_bias = BiasRule::Never;
  BiasRule mlp_bias = BiasRule::Never;
  bool qk_norm = false;  // RMSNorm over head_dim on q and k before RoPE (Qwen3)
  SlidingWindowRule sliding_window = SlidingWindowRule::Never;
  std::optional<int64_t> default_head_dim;  // config class default when config.json has none
  int64_t default_max_window_layers = 0;    // QwenStyle only
  int64_t default_sliding_window_pattern = 2;         // Alternating only
  std::optional<int64_t> default_sliding_window;      // Alternating: when config.json has no key
  bool default_tie_word_embeddings = false;           // config class default (Gemma: true)
  std::string default_activation = "silu";
  // Gemma family: RMSNorm scales by (1 + weight) in float32, sandwich norms around attention
  // and MLP (post_attention_layernorm is the attention output's norm; pre/post_feedforward_
  // layernorm around the MLP), embeddings times sqrt(hidden_size) in the compute dtype, and
  // attention scaled by query_pre_attn_scalar^-0.5.
  bool gemma_block = false;
  std::optional<double> default_query_pre_attn_scalar;
  std::optional<double> default_attn_logit_softcapping;
  // transformers 5's Gemma-3 attention never passes attn_logit_softcapping to the attention
  // function, so the config value has no effect there; Gemma-2's does.
  bool applies_attn_logit_softcapping = true;
  std::optional<double> default_final_logit_softcapping;
  // Gemma-3: sliding layers use their own rope (rope_local_base_freq, default rope type).
  bool local_rope_for_sliding_layers = false;
  std::optional<double> default_rope_theta;  // config class default when config.json sets none (Gemma-3: 1e6)
  double default_rope_local_base_freq = 10000.0;
};

enum class Activation { Silu, GeluTanh, GeluErf };

// What one loaded model does, resolved from spec + config (no further lookups at run time).
struct DecoderLayout {
  int64_t head_dim = 0;
  bool qkv_bias = false;
  bool o_bias = false;
  bool mlp_bias = false;
  bool qk_norm = false;
  std::vector<std::optional<int64_t>> window_per_layer;  // nullopt = full causal attention
  Activation activation = Activation::Silu;
  bool gemma_block = false;
  double attention_scale = 1.0;  // head_dim^-0.5, or query_pre_attn_scalar^-0.5 (Gemma)
  std::optional<double> attn_logit_softcapping;
  std::optional<double> final_logit_softcapping;  // causal-LM head only
  bool tie_word_embeddings = false;
  RopeConfig rope;  // config.rope, with the class's default theta when config.json has none
  // Rope of sliding layers when it differs from `rope` (Gemma-3); empty = same everywhere.
  std::optional<RopeConfig> sliding_rope;
};

std::vector<ArchitectureSpec> registered_architectures();
// Throws rb::ModelError listing the supported class names.
ArchitectureSpec find_architecture(const std::string& class_name);
// Picks the architecture named in config.architectures (first one that is registered).
ArchitectureSpec architecture_for(const ModelConfig& config);
// The same from config.json's "architectures" list alone (before its other fields are parsed,
// since builders of their own read different field names). `causal_lm` matches
// causal_lm_class_name instead of class_name. Throws rb::ModelError listing what is supported.
ArchitectureSpec architecture_for_names(const std::vector<std::string>& names, const std::string& source,
                                        bool causal_lm);
DecoderLayout resolve_layout(const ArchitectureSpec& spec, const ModelConfig& config);
// The shared-decoder architecture (no builder of its own) registered for config.model_type, for
// custom heads on a standard backbone (GRM on llama or gemma2, ArmoRM on llama). Throws
// rb::ModelError listing the model types the shared decoder runs.
ArchitectureSpec decoder_backbone_for(const ModelConfig& config);

}  // namespace rb::model

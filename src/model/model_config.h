#pragma once
// The shared decoder's hyper-parameters (Llama, Mistral, Qwen2/3, Gemma-2/3) from config.json,
// with transformers' defaults. Torch-free. Values the decoder does not support are rejected here
// with rb::ModelError naming the file and the field.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/activation.h"
#include "model/config_reader.h"

namespace rb::model {

// Dynamic (NTK) scaling changes nothing up to max_position_embeddings; longer sequences are
// refused at run time (DecoderBackbone), RewardBench's texts never reach that far.
enum class RopeType { Default, Linear, Llama3, Dynamic };

struct RopeConfig {
  RopeType type = RopeType::Default;
  double theta = 10000.0;
  double factor = 1.0;                           // linear, llama3
  double low_freq_factor = 1.0;                  // llama3
  double high_freq_factor = 4.0;                 // llama3
  int64_t original_max_position_embeddings = 0;  // llama3
  double partial_rotary_factor = 1.0;            // rotary dim = head_dim * this
};

// A number that config.json may omit (class default applies), set to null (feature off) or set.
struct NullableNumber {
  bool present = false;         // the key exists (null or a number)
  std::optional<double> value;  // nullopt when null or absent
  std::optional<double> or_default(std::optional<double> class_default) const {
    return present ? value : class_default;
  }
};

struct ModelConfig {
  std::string source;  // path of config.json, for messages
  CommonConfig common;  // architectures, model_type, num_labels, special token ids, tie_word_embeddings
  int64_t hidden_size = 0;
  int64_t intermediate_size = 0;
  int64_t num_hidden_layers = 0;
  int64_t num_attention_heads = 0;
  int64_t num_key_value_heads = 0;      // default: num_attention_heads
  int64_t head_dim = 0;                 // default: hidden_size / num_attention_heads
  bool head_dim_given = false;          // config.json had a non-null head_dim
  double rms_norm_eps = 1e-6;
  // Other families' names for the norm epsilon (StableLM: layer_norm_eps; Starcoder2:
  // norm_epsilon); the variant says which one it reads and its class default.
  bool rms_norm_eps_given = false;
  std::optional<double> layer_norm_eps;
  std::optional<double> norm_epsilon;
  int64_t vocab_size = 0;
  int64_t max_position_embeddings = 0;
  bool attention_bias = false;
  bool mlp_bias = false;
  // MLP activation: hidden_activation (Gemma's name) if set, else hidden_act; silu,
  // gelu_pytorch_tanh or gelu. nullopt when neither key is set (the family's default applies).
  std::optional<Activation> hidden_act;
  std::optional<int64_t> sliding_window;  // null/absent -> none
  bool sliding_window_given = false;      // key present (even null): Gemma's class default is 4096
  bool use_sliding_window = false;        // Qwen2/Qwen3 switch
  std::optional<int64_t> max_window_layers;
  std::vector<std::string> layer_types;   // "full_attention" / "sliding_attention", if given
  std::optional<int64_t> sliding_window_pattern;  // Gemma-3: every n-th layer is full attention
  bool rope_theta_given = false;  // rope_theta set at top level or in the (full-attention) rope dict
  RopeConfig rope;  // full-attention layers (rope_parameters["full_attention"] in per-layer-type form)
  // Sliding layers' rope when it differs (Gemma-3: rope_parameters["sliding_attention"], or
  // legacy rope_local_base_freq with the default rope type).
  std::optional<RopeConfig> local_rope;
  std::optional<double> rope_local_base_freq;
  // Switches of single families, as config.json has them (nullopt when absent): StableLM's
  // use_qkv_bias / qk_layernorm / use_parallel_residual, Starcoder2's use_bias, OLMo's clip_qkv.
  std::optional<bool> use_qkv_bias;
  std::optional<bool> qk_layernorm;
  std::optional<bool> use_parallel_residual;
  std::optional<bool> use_bias;
  std::optional<double> clip_qkv;
  std::optional<bool> bias;  // InternLM2: every attention projection's bias
  // MiniCPM's scalings (scale_emb, scale_depth, dim_model_base).
  std::optional<double> scale_emb;
  std::optional<double> scale_depth;
  std::optional<double> dim_model_base;
  // Sparse mixture of experts (Mixtral: num_local_experts; Qwen2-MoE: num_experts and the rest).
  std::optional<int64_t> num_experts;
  std::optional<int64_t> num_experts_per_tok;
  std::optional<bool> norm_topk_prob;
  std::optional<int64_t> moe_intermediate_size;
  std::optional<int64_t> shared_expert_intermediate_size;
  std::optional<int64_t> decoder_sparse_step;
  std::vector<int64_t> mlp_only_layers;
  // Gemma family.
  NullableNumber query_pre_attn_scalar;
  NullableNumber attn_logit_softcapping;
  NullableNumber final_logit_softcapping;
};

ModelConfig parse_model_config(const ConfigReader& config);
// The same from config.json's text; `source` names the file in error messages.
ModelConfig parse_model_config(const std::string& json_text, const std::string& source);

}  // namespace rb::model

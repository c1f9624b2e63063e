#pragma once
// config.json of a Hugging Face decoder checkpoint, parsed with transformers' defaults.
// Torch-free. Values the decoder does not support are rejected here with rb::ModelError.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rb::model {

enum class RopeType { Default, Linear, Llama3 };

struct RopeConfig {
  RopeType type = RopeType::Default;
  double theta = 10000.0;
  double factor = 1.0;                           // linear, llama3
  double low_freq_factor = 1.0;                  // llama3
  double high_freq_factor = 4.0;                 // llama3
  int64_t original_max_position_embeddings = 0;  // llama3
  double partial_rotary_factor = 1.0;            // rotary dim = head_dim * this
};

struct ModelConfig {
  std::string source;  // path of config.json, for messages
  std::vector<std::string> architectures;
  std::string model_type;
  int64_t hidden_size = 0;
  int64_t intermediate_size = 0;
  int64_t num_hidden_layers = 0;
  int64_t num_attention_heads = 0;
  int64_t num_key_value_heads = 0;      // default: num_attention_heads
  int64_t head_dim = 0;                 // default: hidden_size / num_attention_heads
  bool head_dim_given = false;          // config.json had a non-null head_dim
  double rms_norm_eps = 1e-6;
  int64_t vocab_size = 0;
  int64_t max_position_embeddings = 0;
  std::optional<int64_t> pad_token_id;  // null or absent -> none
  std::optional<int64_t> bos_token_id;
  std::vector<int64_t> eos_token_ids;   // int or list
  int64_t num_labels = 2;               // id2label size, else num_labels, else 2 (PretrainedConfig)
  bool attention_bias = false;
  bool mlp_bias = false;
  std::string hidden_act = "silu";
  bool tie_word_embeddings = false;
  std::optional<int64_t> sliding_window;  // null/absent -> none
  bool use_sliding_window = false;        // Qwen2/Qwen3 switch
  std::optional<int64_t> max_window_layers;
  std::vector<std::string> layer_types;   // "full_attention" / "sliding_attention", if given
  RopeConfig rope;
};

// Parses config.json text; `source` names the file in error messages.
ModelConfig parse_model_config(const std::string& json_text, const std::string& source);
// Reads <folder>/config.json (or a path to a .json file).
ModelConfig load_model_config(const std::string& path);

struct ConfigFile {
  std::string source;  // path, for messages
  std::string text;
};
// Reads <folder>/config.json (or a path to a .json file) without interpreting it.
ConfigFile read_config_file(const std::string& path);
// config.json's "architectures" list only (empty if absent); throws rb::ModelError if not JSON.
std::vector<std::string> parse_architecture_names(const std::string& json_text, const std::string& source);

std::string rope_type_name(RopeType type);

}  // namespace rb::model

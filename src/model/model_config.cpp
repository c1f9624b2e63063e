#include "model/model_config.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <filesystem>
#include <sstream>

#include "common/error.h"

namespace rb::model {
namespace {

using nlohmann::json;

ModelError config_error(const std::string& source, const std::string& field, const std::string& what) {
  return ModelError(source + ": field '" + field + "': " + what);
}

bool is_set(const json& object, const std::string& key) {
  return object.contains(key) && !object[key].is_null();
}

int64_t integer_field(const json& object, const std::string& key, const std::string& source) {
  const json& value = object[key];
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_number_float() && std::floor(value.get<double>()) == value.get<double>())
    return static_cast<int64_t>(value.get<double>());
  throw config_error(source, key, "expected an integer, got " + value.dump());
}

int64_t required_positive(const json& object, const std::string& key, const std::string& source) {
  if (!is_set(object, key)) throw config_error(source, key, "missing");
  int64_t value = integer_field(object, key, source);
  if (value <= 0) throw config_error(source, key, "must be positive, got " + std::to_string(value));
  return value;
}

std::optional<int64_t> optional_integer(const json& object, const std::string& key,
                                        const std::string& source) {
  if (!is_set(object, key)) return std::nullopt;
  return integer_field(object, key, source);
}

double number_field(const json& object, const std::string& key, double fallback,
                    const std::string& source) {
  if (!is_set(object, key)) return fallback;
  if (!object[key].is_number()) throw config_error(source, key, "expected a number, got " + object[key].dump());
  return object[key].get<double>();
}

bool bool_field(const json& object, const std::string& key, bool fallback, const std::string& source) {
  if (!is_set(object, key)) return fallback;
  if (!object[key].is_boolean()) throw config_error(source, key, "expected true/false, got " + object[key].dump());
  return object[key].get<bool>();
}

std::vector<int64_t> token_id_list(const json& object, const std::string& key, const std::string& source) {
  std::vector<int64_t> ids;
  if (!is_set(object, key)) return ids;
  const json& value = object[key];
  if (value.is_array()) {
    for (const json& item : value) {
      if (!item.is_number_integer()) throw config_error(source, key, "list entries must be integers");
      ids.push_back(item.get<int64_t>());
    }
  } else {
    ids.push_back(integer_field(object, key, source));
  }
  return ids;
}

int64_t parse_num_labels(const json& object, const std::string& source) {
  // PretrainedConfig: id2label wins; else num_labels; else 2.
  if (is_set(object, "id2label")) {
    if (!object["id2label"].is_object()) throw config_error(source, "id2label", "expected an object");
    if (object["id2label"].empty()) throw config_error(source, "id2label", "is empty");
    return static_cast<int64_t>(object["id2label"].size());
  }
  if (is_set(object, "num_labels")) {
    int64_t labels = integer_field(object, "num_labels", source);
    if (labels <= 0) throw config_error(source, "num_labels", "must be positive");
    return labels;
  }
  return 2;
}

RopeType parse_rope_type(const std::string& name, const std::string& source, const std::string& field) {
  if (name == "default") return RopeType::Default;
  if (name == "linear") return RopeType::Linear;
  if (name == "llama3") return RopeType::Llama3;
  throw config_error(source, field,
                     "rope type '" + name + "' is not supported (supported: default, linear, llama3)");
}

// Reads a rope_scaling (transformers <5) or rope_parameters (transformers 5) dictionary.
void parse_rope_dict(const json& dict, const std::string& field, const std::string& source, RopeConfig& rope) {
  if (!dict.is_object()) throw config_error(source, field, "expected an object or null");
  for (auto item = dict.begin(); item != dict.end(); ++item) {
    if (item.value().is_object())
      throw config_error(source, field,
                         "per-layer-type rope parameters ('" + item.key() +
                             "') are only supported as {full_attention, sliding_attention}");
  }
  std::string type_name = "default";
  if (is_set(dict, "rope_type")) type_name = dict["rope_type"].get<std::string>();
  else if (is_set(dict, "type")) type_name = dict["type"].get<std::string>();
  rope.type = parse_rope_type(type_name, source, field + ".rope_type");
  rope.theta = number_field(dict, "rope_theta", rope.theta, source);
  rope.partial_rotary_factor = number_field(dict, "partial_rotary_factor", rope.partial_rotary_factor, source);
  const std::string prefix = field + ".";
  auto required_number = [&](const std::string& key) {
    if (!is_set(dict, key)) throw config_error(source, prefix + key, "missing (needed by rope type " + type_name + ")");
    return number_field(dict, key, 0.0, source);
  };
  if (rope.type == RopeType::Linear || rope.type == RopeType::Llama3) {
    rope.factor = required_number("factor");
    if (rope.factor < 1.0) throw config_error(source, prefix + "factor", "must be >= 1");
  }
  if (rope.type == RopeType::Llama3) {
    rope.low_freq_factor = required_number("low_freq_factor");
    rope.high_freq_factor = required_number("high_freq_factor");
    if (!is_set(dict, "original_max_position_embeddings"))
      throw config_error(source, prefix + "original_max_position_embeddings", "missing (needed by llama3)");
    rope.original_max_position_embeddings = integer_field(dict, "original_max_position_embeddings", source);
    if (rope.high_freq_factor <= rope.low_freq_factor)
      throw config_error(source, prefix + "high_freq_factor", "must exceed low_freq_factor");
  }
}

void check_rope(const RopeConfig& rope, const std::string& source, const std::string& field) {
  if (rope.partial_rotary_factor != 1.0)
    throw config_error(source, field + "partial_rotary_factor", "only 1.0 (full rotary) is supported");
  if (!(rope.theta > 0)) throw config_error(source, field + "rope_theta", "must be positive");
}

// transformers 5 writes rope_parameters per layer type for models whose sliding layers use
// another rope (Gemma-3): {"full_attention": {...}, "sliding_attention": {...}}.
bool is_per_layer_type(const json& dict) {
  if (!dict.is_object() || dict.empty()) return false;
  for (auto item = dict.begin(); item != dict.end(); ++item) {
    if (item.key() != "full_attention" && item.key() != "sliding_attention") return false;
    if (!item.value().is_object()) return false;
  }
  return true;
}

void parse_rope(const json& object, const std::string& source, ModelConfig& config) {
  RopeConfig rope;
  rope.theta = number_field(object, "rope_theta", 10000.0, source);
  rope.partial_rotary_factor = number_field(object, "partial_rotary_factor", 1.0, source);
  if (is_set(object, "rope_local_base_freq")) {
    config.rope_local_base_freq = number_field(object, "rope_local_base_freq", 10000.0, source);
    RopeConfig local;
    local.theta = *config.rope_local_base_freq;
    config.local_rope = local;
  }
  config.rope_theta_given = is_set(object, "rope_theta");
  if (is_set(object, "rope_parameters") && is_per_layer_type(object["rope_parameters"])) {
    const json& per_type = object["rope_parameters"];
    if (per_type.contains("full_attention")) {
      parse_rope_dict(per_type["full_attention"], "rope_parameters.full_attention", source, rope);
      config.rope_theta_given = config.rope_theta_given || is_set(per_type["full_attention"], "rope_theta");
    }
    if (per_type.contains("sliding_attention")) {
      RopeConfig local;
      local.theta = config.rope_local_base_freq.value_or(10000.0);
      parse_rope_dict(per_type["sliding_attention"], "rope_parameters.sliding_attention", source, local);
      check_rope(local, source, "rope_parameters.sliding_attention.");
      config.local_rope = local;
    }
  } else if (is_set(object, "rope_parameters")) {
    parse_rope_dict(object["rope_parameters"], "rope_parameters", source, rope);
    config.rope_theta_given = config.rope_theta_given || is_set(object["rope_parameters"], "rope_theta");
  } else if (is_set(object, "rope_scaling")) {
    parse_rope_dict(object["rope_scaling"], "rope_scaling", source, rope);
  }
  check_rope(rope, source, "");
  config.rope = rope;
}

NullableNumber nullable_number(const json& object, const std::string& key, const std::string& source) {
  NullableNumber number;
  number.present = object.contains(key);
  if (is_set(object, key)) number.value = number_field(object, key, 0.0, source);
  if (number.value && !(*number.value > 0)) throw config_error(source, key, "must be positive or null");
  return number;
}

void parse_gemma_fields(const json& object, const std::string& source, ModelConfig& config) {
  config.query_pre_attn_scalar = nullable_number(object, "query_pre_attn_scalar", source);
  config.attn_logit_softcapping = nullable_number(object, "attn_logit_softcapping", source);
  config.final_logit_softcapping = nullable_number(object, "final_logit_softcapping", source);
  config.sliding_window_pattern = optional_integer(object, "sliding_window_pattern", source);
  if (config.sliding_window_pattern && *config.sliding_window_pattern <= 0)
    throw config_error(source, "sliding_window_pattern", "must be positive");
  if (bool_field(object, "use_bidirectional_attention", false, source))
    throw config_error(source, "use_bidirectional_attention", "only causal attention is supported");
}

void parse_activation(const json& object, const std::string& source, ModelConfig& config) {
  const std::string key = is_set(object, "hidden_activation") ? "hidden_activation" : "hidden_act";
  if (!is_set(object, key)) return;
  if (!object[key].is_string()) throw config_error(source, key, "expected a string");
  config.hidden_act = object[key].get<std::string>();
  config.hidden_act_given = true;
  if (config.hidden_act != "silu" && config.hidden_act != "gelu_pytorch_tanh" && config.hidden_act != "gelu")
    throw config_error(source, key,
                       "'" + config.hidden_act + "' is not supported (supported: silu, gelu_pytorch_tanh, gelu)");
}

void parse_sliding_window(const json& object, const std::string& source, ModelConfig& config) {
  config.sliding_window = optional_integer(object, "sliding_window", source);
  config.sliding_window_given = object.contains("sliding_window");
  config.use_sliding_window = bool_field(object, "use_sliding_window", false, source);
  config.max_window_layers = optional_integer(object, "max_window_layers", source);
  if (is_set(object, "layer_types")) {
    if (!object["layer_types"].is_array()) throw config_error(source, "layer_types", "expected a list");
    for (const json& item : object["layer_types"]) {
      if (!item.is_string()) throw config_error(source, "layer_types", "entries must be strings");
      std::string type = item.get<std::string>();
      if (type != "full_attention" && type != "sliding_attention")
        throw config_error(source, "layer_types", "unsupported layer type '" + type + "'");
      config.layer_types.push_back(type);
    }
    if (static_cast<int64_t>(config.layer_types.size()) != config.num_hidden_layers)
      throw config_error(source, "layer_types", "has " + std::to_string(config.layer_types.size()) +
                                                    " entries for " + std::to_string(config.num_hidden_layers) +
                                                    " layers");
  }
}

void parse_shape(const json& object, const std::string& source, ModelConfig& config) {
  config.hidden_size = required_positive(object, "hidden_size", source);
  config.intermediate_size = required_positive(object, "intermediate_size", source);
  config.num_hidden_layers = required_positive(object, "num_hidden_layers", source);
  config.num_attention_heads = required_positive(object, "num_attention_heads", source);
  config.vocab_size = required_positive(object, "vocab_size", source);
  config.num_key_value_heads = is_set(object, "num_key_value_heads")
                                   ? required_positive(object, "num_key_value_heads", source)
                                   : config.num_attention_heads;
  if (config.num_attention_heads % config.num_key_value_heads != 0)
    throw config_error(source, "num_key_value_heads",
                       std::to_string(config.num_key_value_heads) + " does not divide num_attention_heads " +
                           std::to_string(config.num_attention_heads));
  config.head_dim_given = is_set(object, "head_dim");
  config.head_dim = config.head_dim_given ? required_positive(object, "head_dim", source)
                                          : config.hidden_size / config.num_attention_heads;
  if (config.head_dim % 2 != 0) throw config_error(source, "head_dim", "must be even for rotary embeddings");
  config.max_position_embeddings = optional_integer(object, "max_position_embeddings", source).value_or(0);
}

}  // namespace

std::string rope_type_name(RopeType type) {
  switch (type) {
    case RopeType::Default: return "default";
    case RopeType::Linear: return "linear";
    case RopeType::Llama3: return "llama3";
  }
  return "?";
}

ModelConfig parse_model_config(const std::string& json_text, const std::string& source) {
  json object;
  try {
    object = json::parse(json_text);
  } catch (const json::exception& error) {
    throw ModelError(source + ": not valid JSON: " + error.what());
  }
  if (!object.is_object()) throw ModelError(source + ": top level is not a JSON object");

  ModelConfig config;
  config.source = source;
  try {
    if (is_set(object, "architectures")) {
      for (const json& name : object["architectures"]) config.architectures.push_back(name.get<std::string>());
    }
    if (is_set(object, "model_type")) config.model_type = object["model_type"].get<std::string>();
  } catch (const json::exception& error) {
    throw ModelError(source + ": architectures/model_type must be strings: " + error.what());
  }
  parse_activation(object, source, config);
  parse_shape(object, source, config);
  config.rms_norm_eps = number_field(object, "rms_norm_eps", 1e-6, source);
  config.pad_token_id = optional_integer(object, "pad_token_id", source);
  config.bos_token_id = optional_integer(object, "bos_token_id", source);
  config.eos_token_ids = token_id_list(object, "eos_token_id", source);
  config.num_labels = parse_num_labels(object, source);
  config.attention_bias = bool_field(object, "attention_bias", false, source);
  config.mlp_bias = bool_field(object, "mlp_bias", false, source);
  config.tie_word_embeddings_given = is_set(object, "tie_word_embeddings");
  config.tie_word_embeddings = bool_field(object, "tie_word_embeddings", false, source);
  parse_sliding_window(object, source, config);
  parse_rope(object, source, config);
  parse_gemma_fields(object, source, config);
  return config;
}

ConfigFile read_config_file(const std::string& path) {
  std::filesystem::path file = path;
  if (std::filesystem::is_directory(file)) file /= "config.json";
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError("cannot open " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  return {file.string(), text.str()};
}

ModelConfig load_model_config(const std::string& path) {
  const ConfigFile file = read_config_file(path);
  return parse_model_config(file.text, file.source);
}

std::vector<std::string> parse_architecture_names(const std::string& json_text, const std::string& source) {
  json object;
  try {
    object = json::parse(json_text);
  } catch (const json::exception& error) {
    throw ModelError(source + ": not valid JSON: " + error.what());
  }
  std::vector<std::string> names;
  if (!object.is_object() || !is_set(object, "architectures")) return names;
  if (!object["architectures"].is_array()) throw config_error(source, "architectures", "expected a list of strings");
  for (const json& name : object["architectures"]) {
    if (!name.is_string()) throw config_error(source, "architectures", "expected a list of strings");
    names.push_back(name.get<std::string>());
  }
  return names;
}

}  // namespace rb::model

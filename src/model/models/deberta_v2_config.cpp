#include "model/models/deberta_v2_config.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "common/error.h"

namespace rb::model {
namespace {

using nlohmann::json;

ModelError field_error(const std::string& source, const std::string& field, const std::string& what) {
  return ModelError(source + ": field '" + field + "': " + what);
}

bool is_set(const json& object, const std::string& key) { return object.contains(key) && !object[key].is_null(); }

int64_t integer_or(const json& object, const std::string& key, int64_t fallback, const std::string& source) {
  if (!is_set(object, key)) return fallback;
  const json& value = object[key];
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_number_float() && std::floor(value.get<double>()) == value.get<double>())
    return static_cast<int64_t>(value.get<double>());
  throw field_error(source, key, "expected an integer, got " + value.dump());
}

int64_t positive_or(const json& object, const std::string& key, int64_t fallback, const std::string& source) {
  const int64_t value = integer_or(object, key, fallback, source);
  if (value <= 0) throw field_error(source, key, "must be positive, got " + std::to_string(value));
  return value;
}

bool bool_or(const json& object, const std::string& key, bool fallback, const std::string& source) {
  if (!is_set(object, key)) return fallback;
  if (!object[key].is_boolean()) throw field_error(source, key, "expected true/false, got " + object[key].dump());
  return object[key].get<bool>();
}

double number_or(const json& object, const std::string& key, double fallback, const std::string& source) {
  if (!is_set(object, key)) return fallback;
  if (!object[key].is_number()) throw field_error(source, key, "expected a number, got " + object[key].dump());
  return object[key].get<double>();
}

std::string string_or(const json& object, const std::string& key, const std::string& fallback,
                      const std::string& source) {
  if (!is_set(object, key)) return fallback;
  if (!object[key].is_string()) throw field_error(source, key, "expected a string, got " + object[key].dump());
  return object[key].get<std::string>();
}

std::string lower_trimmed(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  const auto first = text.find_first_not_of(" \t\n\r");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\n\r") - first + 1);
}

// "a|b" (the legacy string form) or a list of strings, lower-cased and trimmed.
std::vector<std::string> bar_separated_list(const json& object, const std::string& key, const std::string& source) {
  std::vector<std::string> items;
  if (!is_set(object, key)) return items;
  const json& value = object[key];
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    size_t start = 0;
    while (true) {
      const size_t bar = text.find('|', start);
      items.push_back(lower_trimmed(text.substr(start, bar == std::string::npos ? std::string::npos : bar - start)));
      if (bar == std::string::npos) break;
      start = bar + 1;
    }
  } else if (value.is_array()) {
    for (const json& item : value) {
      if (!item.is_string()) throw field_error(source, key, "list entries must be strings, got " + item.dump());
      items.push_back(lower_trimmed(item.get<std::string>()));
    }
  } else {
    throw field_error(source, key, "expected a string or a list of strings, got " + value.dump());
  }
  return items;
}

bool contains(const std::vector<std::string>& items, const std::string& wanted) {
  return std::find(items.begin(), items.end(), wanted) != items.end();
}

// The activations the model file implements (src/model/models/deberta_v2.cpp, activation()).
void check_activation(const std::string& name, const std::string& field, const std::string& source) {
  static const char* const supported[] = {"gelu", "gelu_pytorch_tanh", "gelu_new", "relu", "tanh",
                                          "silu", "swish", "sigmoid"};
  for (const char* candidate : supported)
    if (name == candidate) return;
  throw field_error(source, field,
                    "unsupported activation '" + name +
                        "' (supported: gelu, gelu_pytorch_tanh, gelu_new, relu, tanh, silu, swish, sigmoid)");
}

std::vector<int64_t> token_id_list(const json& object, const std::string& key, const std::string& source) {
  std::vector<int64_t> ids;
  if (!is_set(object, key)) return ids;
  if (object[key].is_array()) {
    for (const json& item : object[key]) {
      if (!item.is_number_integer()) throw field_error(source, key, "list entries must be integers");
      ids.push_back(item.get<int64_t>());
    }
  } else {
    ids.push_back(integer_or(object, key, 0, source));
  }
  return ids;
}

int64_t parse_num_labels(const json& object, const std::string& source) {
  if (is_set(object, "id2label")) {  // PretrainedConfig: id2label wins, then num_labels, then 2
    if (!object["id2label"].is_object() || object["id2label"].empty())
      throw field_error(source, "id2label", "expected a non-empty object");
    return static_cast<int64_t>(object["id2label"].size());
  }
  return positive_or(object, "num_labels", 2, source);
}

void parse_relative_attention(const json& object, DebertaV2Config& config) {
  const std::string& source = config.source;
  config.relative_attention = bool_or(object, "relative_attention", false, source);
  const int64_t max_relative = integer_or(object, "max_relative_positions", -1, source);
  config.max_relative_positions = max_relative < 1 ? config.max_position_embeddings : max_relative;
  config.position_buckets = integer_or(object, "position_buckets", -1, source);
  if (config.position_buckets > 0 && config.position_buckets < 2)
    throw field_error(source, "position_buckets", "must be at least 2 (or <= 0 for no bucketing)");
  const std::vector<std::string> types = bar_separated_list(object, "pos_att_type", source);
  config.c2p = contains(types, "c2p");
  config.p2c = contains(types, "p2c");
  config.share_att_key = bool_or(object, "share_att_key", false, source);
  config.rel_embeddings_layer_norm = contains(bar_separated_list(object, "norm_rel_ebd", source), "layer_norm");
}

void parse_conv(const json& object, DebertaV2Config& config) {
  const std::string& source = config.source;
  config.conv_kernel_size = integer_or(object, "conv_kernel_size", 0, source);
  if (config.conv_kernel_size <= 0) {
    config.conv_kernel_size = 0;
    return;
  }
  // An even kernel with padding (k - 1) / 2 shortens the sequence: the reference model fails on it.
  if (config.conv_kernel_size % 2 == 0)
    throw field_error(source, "conv_kernel_size", "must be odd, got " + std::to_string(config.conv_kernel_size));
  config.conv_groups = positive_or(object, "conv_groups", 1, source);
  if (config.hidden_size % config.conv_groups != 0)
    throw field_error(source, "conv_groups", "must divide hidden_size " + std::to_string(config.hidden_size));
  config.conv_act = string_or(object, "conv_act", "tanh", source);
  check_activation(config.conv_act, "conv_act", source);
}

}  // namespace

DebertaV2Config parse_deberta_v2_config(const std::string& json_text, const std::string& source) {
  json object;
  try {
    object = json::parse(json_text);
  } catch (const json::parse_error& error) {
    throw ModelError(source + ": not valid JSON: " + error.what());
  }
  if (!object.is_object()) throw ModelError(source + ": expected a JSON object");
  DebertaV2Config config;
  config.source = source;
  config.model_type = string_or(object, "model_type", "deberta-v2", source);
  config.vocab_size = positive_or(object, "vocab_size", 128100, source);
  config.hidden_size = positive_or(object, "hidden_size", 1536, source);
  config.embedding_size = positive_or(object, "embedding_size", config.hidden_size, source);
  config.num_hidden_layers = positive_or(object, "num_hidden_layers", 24, source);
  config.num_attention_heads = positive_or(object, "num_attention_heads", 24, source);
  if (config.hidden_size % config.num_attention_heads != 0)
    throw field_error(source, "num_attention_heads",
                      "hidden_size " + std::to_string(config.hidden_size) + " is not a multiple of it");
  config.attention_head_size =
      positive_or(object, "attention_head_size", config.hidden_size / config.num_attention_heads, source);
  config.intermediate_size = positive_or(object, "intermediate_size", 6144, source);
  config.hidden_act = string_or(object, "hidden_act", "gelu", source);
  check_activation(config.hidden_act, "hidden_act", source);
  config.max_position_embeddings = positive_or(object, "max_position_embeddings", 512, source);
  config.type_vocab_size = integer_or(object, "type_vocab_size", 0, source);
  config.layer_norm_eps = number_or(object, "layer_norm_eps", 1e-7, source);
  config.position_biased_input = bool_or(object, "position_biased_input", true, source);
  parse_relative_attention(object, config);
  parse_conv(object, config);
  config.pooler_hidden_size = positive_or(object, "pooler_hidden_size", config.hidden_size, source);
  if (config.pooler_hidden_size != config.hidden_size)  // ContextPooler reads hidden states of hidden_size
    throw field_error(source, "pooler_hidden_size", "must equal hidden_size " + std::to_string(config.hidden_size));
  config.pooler_hidden_act = string_or(object, "pooler_hidden_act", "gelu", source);
  check_activation(config.pooler_hidden_act, "pooler_hidden_act", source);
  config.num_labels = parse_num_labels(object, source);
  // DebertaV2Config's pad_token_id defaults to 0; an explicit null means none.
  if (!object.contains("pad_token_id")) config.pad_token_id = 0;
  else if (!object["pad_token_id"].is_null()) config.pad_token_id = integer_or(object, "pad_token_id", 0, source);
  if (is_set(object, "bos_token_id")) config.bos_token_id = integer_or(object, "bos_token_id", 0, source);
  config.eos_token_ids = token_id_list(object, "eos_token_id", source);
  return config;
}

int64_t deberta_relative_position(int64_t distance, int64_t bucket_size, int64_t max_position) {
  if (bucket_size <= 0 || max_position <= 0) return distance;
  const int64_t mid = bucket_size / 2;
  const int64_t magnitude = std::llabs(distance);
  if (magnitude <= mid) return distance;
  // float32 throughout, operation for operation as torch evaluates make_log_bucket_position:
  // log(abs / mid) / log(float32((max_position - 1) / mid)) * (mid - 1), ceil, + mid.
  const float ratio = static_cast<float>(magnitude) / static_cast<float>(mid);
  const float base = static_cast<float>(static_cast<double>(max_position - 1) / static_cast<double>(mid));
  const float scaled = std::log(ratio) / std::log(base) * static_cast<float>(mid - 1);
  const float bucket = std::ceil(scaled) + static_cast<float>(mid);
  const int64_t position = static_cast<int64_t>(bucket);
  return distance < 0 ? -position : position;
}

int64_t deberta_relative_index(int64_t distance, const DebertaV2Config& config) {
  const int64_t span = config.attention_span();
  const int64_t position = deberta_relative_position(distance, config.position_buckets, config.max_relative_positions);
  return std::clamp<int64_t>(position + span, 0, 2 * span - 1);
}

}  // namespace rb::model

#include "model/models/deberta_v2_config.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "common/error.h"

namespace rb::model {
namespace {

std::string lower_trimmed(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  const auto first = text.find_first_not_of(" \t\n\r");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\n\r") - first + 1);
}

// "a|b" (the legacy string form) or a list of strings, lower-cased and trimmed.
std::vector<std::string> bar_separated_list(const ConfigReader& object, const std::string& key) {
  std::vector<std::string> items;
  const nlohmann::json* value = object.value(key);
  if (!value) return items;
  if (value->is_string()) {
    const std::string text = value->get<std::string>();
    size_t start = 0;
    while (true) {
      const size_t bar = text.find('|', start);
      items.push_back(lower_trimmed(text.substr(start, bar == std::string::npos ? std::string::npos : bar - start)));
      if (bar == std::string::npos) break;
      start = bar + 1;
    }
  } else if (value->is_array()) {
    for (const std::string& item : object.string_list(key)) items.push_back(lower_trimmed(item));
  } else {
    throw object.error(key, "expected a string or a list of strings, got " + value->dump());
  }
  return items;
}

bool contains(const std::vector<std::string>& items, const std::string& wanted) {
  return std::find(items.begin(), items.end(), wanted) != items.end();
}

void parse_relative_attention(const ConfigReader& object, DebertaV2Config& config) {
  config.relative_attention = object.flag("relative_attention", false);
  const int64_t max_relative = object.integer({"max_relative_positions"}, -1);
  config.max_relative_positions = max_relative < 1 ? config.max_position_embeddings : max_relative;
  config.position_buckets = object.integer({"position_buckets"}, -1);
  if (config.position_buckets > 0 && config.position_buckets < 2)
    throw object.error("position_buckets", "must be at least 2 (or <= 0 for no bucketing)");
  const std::vector<std::string> types = bar_separated_list(object, "pos_att_type");
  config.c2p = contains(types, "c2p");
  config.p2c = contains(types, "p2c");
  config.share_att_key = object.flag("share_att_key", false);
  config.rel_embeddings_layer_norm = contains(bar_separated_list(object, "norm_rel_ebd"), "layer_norm");
}

void parse_conv(const ConfigReader& object, DebertaV2Config& config) {
  config.conv_kernel_size = object.integer({"conv_kernel_size"}, 0);
  if (config.conv_kernel_size <= 0) {
    config.conv_kernel_size = 0;
    return;
  }
  // An even kernel with padding (k - 1) / 2 shortens the sequence: the reference model fails on it.
  if (config.conv_kernel_size % 2 == 0)
    throw object.error("conv_kernel_size", "must be odd, got " + std::to_string(config.conv_kernel_size));
  config.conv_groups = object.positive_integer({"conv_groups"}, 1);
  if (config.hidden_size % config.conv_groups != 0)
    throw object.error("conv_groups", "must divide hidden_size " + std::to_string(config.hidden_size));
  config.conv_act = object.activation({"conv_act"}, "tanh");
}

}  // namespace

DebertaV2Config parse_deberta_v2_config(const ConfigReader& object) {
  DebertaV2Config config;
  config.source = object.source();
  config.common = object.common();
  if (config.common.model_type.empty()) config.common.model_type = "deberta-v2";
  // DebertaV2Config's pad_token_id defaults to 0; an explicit null means none.
  if (!object.contains("pad_token_id")) config.common.pad_token_id = 0;
  config.vocab_size = object.positive_integer({"vocab_size"}, 128100);
  config.hidden_size = object.positive_integer({"hidden_size"}, 1536);
  config.embedding_size = object.positive_integer({"embedding_size"}, config.hidden_size);
  config.num_hidden_layers = object.positive_integer({"num_hidden_layers"}, 24);
  config.num_attention_heads = object.positive_integer({"num_attention_heads"}, 24);
  if (config.hidden_size % config.num_attention_heads != 0)
    throw object.error("num_attention_heads",
                       "hidden_size " + std::to_string(config.hidden_size) + " is not a multiple of it");
  config.attention_head_size =
      object.positive_integer({"attention_head_size"}, config.hidden_size / config.num_attention_heads);
  config.intermediate_size = object.positive_integer({"intermediate_size"}, 6144);
  config.hidden_act = object.activation({"hidden_act"}, "gelu");
  config.max_position_embeddings = object.positive_integer({"max_position_embeddings"}, 512);
  config.type_vocab_size = object.integer({"type_vocab_size"}, 0);
  config.layer_norm_eps = object.number({"layer_norm_eps"}, 1e-7);
  config.position_biased_input = object.flag("position_biased_input", true);
  parse_relative_attention(object, config);
  parse_conv(object, config);
  config.pooler_hidden_size = object.positive_integer({"pooler_hidden_size"}, config.hidden_size);
  if (config.pooler_hidden_size != config.hidden_size)  // ContextPooler reads hidden states of hidden_size
    throw object.error("pooler_hidden_size", "must equal hidden_size " + std::to_string(config.hidden_size));
  config.pooler_hidden_act = object.activation({"pooler_hidden_act"}, "gelu");
  return config;
}

DebertaV2Config parse_deberta_v2_config(const std::string& json_text, const std::string& source) {
  return parse_deberta_v2_config(ConfigReader(json_text, source));
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

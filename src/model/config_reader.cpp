#include "model/config_reader.h"

#include <cmath>
#include <filesystem>
#include <utility>

#include "common/file_io.h"

namespace rb::model {

using nlohmann::json;

ConfigReader::ConfigReader(const std::string& json_text, std::string source) : source_(std::move(source)) {
  try {
    object_ = json::parse(json_text);
  } catch (const json::exception& failure) {
    throw ModelError(source_ + ": not valid JSON: " + failure.what());
  }
  if (!object_.is_object()) throw ModelError(source_ + ": top level is not a JSON object");
}

ConfigReader::ConfigReader(json object, std::string source, std::string prefix)
    : object_(std::move(object)), source_(std::move(source)), prefix_(std::move(prefix)) {}

ConfigReader ConfigReader::from_path(const std::string& path) {
  std::filesystem::path file = path;
  if (std::filesystem::is_directory(file)) file /= "config.json";
  return ConfigReader(read_file(file.string()), file.string());
}

ModelError ConfigReader::error(const std::string& field, const std::string& what) const {
  return ModelError(source_ + ": field '" + prefix_ + field + "': " + what);
}

bool ConfigReader::has(const std::string& key) const { return object_.contains(key) && !object_[key].is_null(); }

bool ConfigReader::contains(const std::string& key) const { return object_.contains(key); }

const json* ConfigReader::find(const std::vector<std::string>& keys, std::string* found) const {
  for (const std::string& key : keys) {
    if (has(key)) {
      *found = key;
      return &object_[key];
    }
  }
  *found = keys.empty() ? std::string() : keys.front();
  return nullptr;
}

int64_t ConfigReader::integer_value(const json& value, const std::string& key) const {
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_number_float() && std::floor(value.get<double>()) == value.get<double>())
    return static_cast<int64_t>(value.get<double>());
  throw error(key, "expected an integer, got " + value.dump());
}

int64_t ConfigReader::integer(const std::vector<std::string>& keys, std::optional<int64_t> fallback) const {
  std::string key;
  const json* value = find(keys, &key);
  if (value) return integer_value(*value, key);
  if (!fallback) throw error(key, "missing");
  return *fallback;
}

int64_t ConfigReader::positive_integer(const std::vector<std::string>& keys, std::optional<int64_t> fallback) const {
  std::string key;
  const json* value = find(keys, &key);
  if (!value) {
    if (!fallback) throw error(key, "missing");
    return *fallback;
  }
  const int64_t result = integer_value(*value, key);
  if (result <= 0) throw error(key, "must be positive, got " + std::to_string(result));
  return result;
}

std::optional<int64_t> ConfigReader::optional_integer(const std::string& key) const {
  if (!has(key)) return std::nullopt;
  return integer_value(object_[key], key);
}

double ConfigReader::number(const std::vector<std::string>& keys, double fallback) const {
  std::string key;
  const json* value = find(keys, &key);
  if (!value) return fallback;
  if (!value->is_number()) throw error(key, "expected a number, got " + value->dump());
  return value->get<double>();
}

bool ConfigReader::flag(const std::string& key, bool fallback) const {
  if (!has(key)) return fallback;
  if (!object_[key].is_boolean()) throw error(key, "expected true/false, got " + object_[key].dump());
  return object_[key].get<bool>();
}

std::string ConfigReader::text(const std::vector<std::string>& keys, const std::string& fallback) const {
  std::string key;
  const json* value = find(keys, &key);
  if (!value) return fallback;
  if (!value->is_string()) throw error(key, "expected a string, got " + value->dump());
  return value->get<std::string>();
}

std::vector<std::string> ConfigReader::string_list(const std::string& key) const {
  std::vector<std::string> items;
  if (!has(key)) return items;
  if (!object_[key].is_array()) throw error(key, "expected a list of strings");
  for (const json& item : object_[key]) {
    if (!item.is_string()) throw error(key, "expected a list of strings");
    items.push_back(item.get<std::string>());
  }
  return items;
}

std::vector<int64_t> ConfigReader::integer_list(const std::string& key) const {
  std::vector<int64_t> values;
  if (!has(key)) return values;
  const json& value = object_[key];
  if (!value.is_array()) return {integer_value(value, key)};
  for (const json& item : value) values.push_back(integer_value(item, key));
  return values;
}

std::optional<ConfigReader> ConfigReader::object(const std::string& key) const {
  if (!has(key)) return std::nullopt;
  if (!object_[key].is_object()) throw error(key, "expected an object or null");
  return ConfigReader(object_[key], source_, prefix_ + key + ".");
}

std::vector<std::pair<std::string, ConfigReader>> ConfigReader::objects() const {
  std::vector<std::pair<std::string, ConfigReader>> nested;
  for (auto item = object_.begin(); item != object_.end(); ++item)
    if (item.value().is_object()) nested.emplace_back(item.key(), ConfigReader(item.value(), source_, prefix_ + item.key() + "."));
  return nested;
}

Activation ConfigReader::activation(const std::vector<std::string>& keys, const std::string& fallback,
                                    const std::vector<Activation>& allowed) const {
  std::string key;
  if (!find(keys, &key)) key = keys.front();
  const std::string name = text(keys, fallback);
  Activation activation;
  if (!parse_activation(name, activation, allowed))
    throw error(key, "activation '" + name + "' is not supported (supported: " + activation_names(allowed) + ")");
  return activation;
}

const json* ConfigReader::value(const std::string& key) const { return has(key) ? &object_[key] : nullptr; }

CommonConfig ConfigReader::common() const {
  CommonConfig common;
  common.architectures = string_list("architectures");
  common.model_type = text({"model_type"}, "");
  // PretrainedConfig: id2label wins, else num_labels, else 2.
  if (has("id2label")) {
    if (!object_["id2label"].is_object() || object_["id2label"].empty())
      throw error("id2label", "expected a non-empty object");
    common.num_labels = static_cast<int64_t>(object_["id2label"].size());
  } else {
    common.num_labels = positive_integer({"num_labels"}, 2);
  }
  common.pad_token_id = optional_integer("pad_token_id");
  common.bos_token_id = optional_integer("bos_token_id");
  common.eos_token_ids = integer_list("eos_token_id");
  if (has("tie_word_embeddings")) common.tie_word_embeddings = flag("tie_word_embeddings", false);
  return common;
}

}  // namespace rb::model

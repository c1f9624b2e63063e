#include "model/models/gpt_config_fields.h"

#include <cmath>
#include <utility>

namespace rb::model::gpt {

using nlohmann::json;

ConfigFields::ConfigFields(const std::string& json_text, std::string source) : source_(std::move(source)) {
  try {
    object_ = json::parse(json_text);
  } catch (const json::exception& failure) {
    throw ModelError(source_ + ": not valid JSON: " + failure.what());
  }
  if (!object_.is_object()) throw ModelError(source_ + ": top level is not a JSON object");
}

ConfigFields::ConfigFields(json object, std::string source, std::string prefix)
    : object_(std::move(object)), source_(std::move(source)), prefix_(std::move(prefix)) {}

ModelError ConfigFields::error(const std::string& field, const std::string& what) const {
  return ModelError(source_ + ": field '" + prefix_ + field + "': " + what);
}

bool ConfigFields::has(const std::string& key) const {
  return object_.contains(key) && !object_[key].is_null();
}

const json* ConfigFields::find(const std::vector<std::string>& keys, std::string* found) const {
  for (const std::string& key : keys) {
    if (has(key)) {
      *found = key;
      return &object_[key];
    }
  }
  *found = keys.empty() ? std::string() : keys.front();
  return nullptr;
}

int64_t ConfigFields::integer_value(const json& value, const std::string& key) const {
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_number_float() && std::floor(value.get<double>()) == value.get<double>())
    return static_cast<int64_t>(value.get<double>());
  throw error(key, "expected an integer, got " + value.dump());
}

int64_t ConfigFields::positive_integer(const std::vector<std::string>& keys, std::optional<int64_t> fallback) const {
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

std::optional<int64_t> ConfigFields::optional_integer(const std::string& key) const {
  if (!has(key)) return std::nullopt;
  return integer_value(object_[key], key);
}

double ConfigFields::number(const std::vector<std::string>& keys, double fallback) const {
  std::string key;
  const json* value = find(keys, &key);
  if (!value) return fallback;
  if (!value->is_number()) throw error(key, "expected a number, got " + value->dump());
  return value->get<double>();
}

bool ConfigFields::flag(const std::string& key, bool fallback) const {
  if (!has(key)) return fallback;
  if (!object_[key].is_boolean()) throw error(key, "expected true/false, got " + object_[key].dump());
  return object_[key].get<bool>();
}

std::string ConfigFields::text(const std::vector<std::string>& keys, const std::string& fallback) const {
  std::string key;
  const json* value = find(keys, &key);
  if (!value) return fallback;
  if (!value->is_string()) throw error(key, "expected a string, got " + value->dump());
  return value->get<std::string>();
}

std::optional<ConfigFields> ConfigFields::object(const std::string& key) const {
  if (!has(key)) return std::nullopt;
  if (!object_[key].is_object()) throw error(key, "expected an object or null");
  return ConfigFields(object_[key], source_, prefix_ + key + ".");
}

CommonFields ConfigFields::common() const {
  CommonFields fields;
  if (has("architectures")) {
    if (!object_["architectures"].is_array()) throw error("architectures", "expected a list of strings");
    for (const json& name : object_["architectures"]) {
      if (!name.is_string()) throw error("architectures", "expected a list of strings");
      fields.architectures.push_back(name.get<std::string>());
    }
  }
  fields.model_type = text({"model_type"}, "");
  // PretrainedConfig: id2label wins, else num_labels, else 2.
  if (has("id2label")) {
    if (!object_["id2label"].is_object() || object_["id2label"].empty())
      throw error("id2label", "expected a non-empty object");
    fields.num_labels = static_cast<int64_t>(object_["id2label"].size());
  } else {
    fields.num_labels = positive_integer({"num_labels"}, 2);
  }
  fields.pad_token_id = optional_integer("pad_token_id");
  fields.bos_token_id = optional_integer("bos_token_id");
  if (has("eos_token_id")) {
    const json& eos = object_["eos_token_id"];
    if (eos.is_array()) {
      for (const json& id : eos) fields.eos_token_ids.push_back(integer_value(id, "eos_token_id"));
    } else {
      fields.eos_token_ids.push_back(integer_value(eos, "eos_token_id"));
    }
  }
  if (has("tie_word_embeddings")) fields.tie_word_embeddings = flag("tie_word_embeddings", false);
  return fields;
}

Activation ConfigFields::activation(const std::vector<std::string>& keys, const std::string& fallback) const {
  std::string key;
  if (!find(keys, &key)) key = keys.front();
  const std::string name = text(keys, fallback);
  if (name == "gelu") return Activation::Gelu;
  if (name == "gelu_new") return Activation::GeluNew;
  if (name == "gelu_fast") return Activation::GeluFast;
  if (name == "gelu_pytorch_tanh") return Activation::GeluPytorchTanh;
  if (name == "relu") return Activation::Relu;
  if (name == "silu" || name == "swish") return Activation::Silu;
  throw error(key, "activation '" + name +
                       "' is not supported (supported: gelu, gelu_new, gelu_fast, gelu_pytorch_tanh, relu, silu)");
}

std::string activation_name(Activation activation) {
  switch (activation) {
    case Activation::Gelu: return "gelu";
    case Activation::GeluNew: return "gelu_new";
    case Activation::GeluFast: return "gelu_fast";
    case Activation::GeluPytorchTanh: return "gelu_pytorch_tanh";
    case Activation::Relu: return "relu";
    case Activation::Silu: return "silu";
  }
  return "?";
}

}  // namespace rb::model::gpt

#pragma once
// Reading config.json for the architectures that build themselves (GPT-2, GPT-NeoX): their field
// names differ from the Llama family's (n_embd, layer_norm_epsilon, rotary_pct, ...), so they do
// not go through model_config.cpp. Every error names config.json and the field. Torch-free.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace rb::model::gpt {

// transformers' ACT2FN names that GPT-2 / GPT-NeoX checkpoints use.
enum class Activation { Gelu, GeluNew, GeluFast, GeluPytorchTanh, Relu, Silu };

// Fields every PretrainedConfig has, with its defaults.
struct CommonFields {
  std::vector<std::string> architectures;
  std::string model_type;
  int64_t num_labels = 2;  // id2label size, else num_labels, else 2
  std::optional<int64_t> pad_token_id;
  std::optional<int64_t> bos_token_id;
  std::vector<int64_t> eos_token_ids;
  std::optional<bool> tie_word_embeddings;  // absent: the config class default applies
};

class ConfigFields {
 public:
  // Throws rb::ModelError when the text is not a JSON object.
  ConfigFields(const std::string& json_text, std::string source);

  const std::string& source() const { return source_; }
  bool has(const std::string& key) const;
  // The first of `keys` that is set (not null) names the value; else `fallback` (nullopt: required).
  int64_t positive_integer(const std::vector<std::string>& keys, std::optional<int64_t> fallback) const;
  std::optional<int64_t> optional_integer(const std::string& key) const;
  double number(const std::vector<std::string>& keys, double fallback) const;
  bool flag(const std::string& key, bool fallback) const;
  std::string text(const std::vector<std::string>& keys, const std::string& fallback) const;
  // A nested object (e.g. rope_parameters) as its own reader, or nullopt when absent/null.
  std::optional<ConfigFields> object(const std::string& key) const;
  CommonFields common() const;
  Activation activation(const std::vector<std::string>& keys, const std::string& fallback) const;

  ModelError error(const std::string& field, const std::string& what) const;

 private:
  ConfigFields(nlohmann::json object, std::string source, std::string prefix);
  const nlohmann::json* find(const std::vector<std::string>& keys, std::string* found) const;
  int64_t integer_value(const nlohmann::json& value, const std::string& key) const;

  nlohmann::json object_;
  std::string source_;
  std::string prefix_;  // "rope_parameters." for nested readers, for messages
};

std::string activation_name(Activation activation);

}  // namespace rb::model::gpt

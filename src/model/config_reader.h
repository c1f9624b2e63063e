#pragma once
// config.json, read the one way every architecture reads it: typed lookups with the config class's
// defaults, where every error names the file and the field (rb::ModelError
// "<path>/config.json: field 'n_embd': expected an integer, got \"many\""). A family lists its
// fields with their defaults in its own config struct and fills it through this reader (step 1 of
// the architecture contract, model/architecture.h). Torch-free.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "model/activation.h"

namespace rb::model {

// The fields every transformers PretrainedConfig has, with its defaults.
struct CommonConfig {
  std::vector<std::string> architectures;
  std::string model_type;
  int64_t num_labels = 2;  // id2label size, else num_labels, else 2
  std::optional<int64_t> pad_token_id;
  std::optional<int64_t> bos_token_id;
  std::vector<int64_t> eos_token_ids;       // eos_token_id: an int or a list
  std::optional<bool> tie_word_embeddings;  // absent: the config class default applies
};

class ConfigReader {
 public:
  // Throws rb::ModelError when the text is not a JSON object.
  ConfigReader(const std::string& json_text, std::string source);
  // <folder>/config.json (or a path to a .json file). Throws rb::IoError when it cannot be read.
  static ConfigReader from_path(const std::string& path);

  const std::string& source() const { return source_; }
  bool has(const std::string& key) const;       // present and not null
  bool contains(const std::string& key) const;  // present, null included

  // The first of `keys` that is set names the value; else `fallback` (nullopt: the field is required).
  int64_t integer(const std::vector<std::string>& keys, std::optional<int64_t> fallback) const;
  int64_t positive_integer(const std::vector<std::string>& keys, std::optional<int64_t> fallback) const;
  std::optional<int64_t> optional_integer(const std::string& key) const;
  double number(const std::vector<std::string>& keys, double fallback) const;
  bool flag(const std::string& key, bool fallback) const;
  std::string text(const std::vector<std::string>& keys, const std::string& fallback) const;
  std::vector<std::string> string_list(const std::string& key) const;  // empty when absent
  std::vector<int64_t> integer_list(const std::string& key) const;     // an int or a list; empty when absent
  // A nested object (rope_parameters, ...) as its own reader, or nullopt when absent or null.
  std::optional<ConfigReader> object(const std::string& key) const;
  // The nested objects of this object, by key, in file order.
  std::vector<std::pair<std::string, ConfigReader>> objects() const;
  // An ACT2FN name among `allowed` (all of model/activation.h when empty).
  Activation activation(const std::vector<std::string>& keys, const std::string& fallback,
                        const std::vector<Activation>& allowed = {}) const;
  // The raw value for fields with forms of their own (a string or a list, ...); nullptr when absent or null.
  const nlohmann::json* value(const std::string& key) const;

  CommonConfig common() const;
  ModelError error(const std::string& field, const std::string& what) const;

 private:
  ConfigReader(nlohmann::json object, std::string source, std::string prefix);
  const nlohmann::json* find(const std::vector<std::string>& keys, std::string* found) const;
  int64_t integer_value(const nlohmann::json& value, const std::string& key) const;

  nlohmann::json object_;
  std::string source_;
  std::string prefix_;  // "rope_parameters." for nested readers, for messages
};

}  // namespace rb::model

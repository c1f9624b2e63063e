#include "app/reference_settings.h"

#include <filesystem>
#include <iostream>
#include <regex>

namespace rb::app {
namespace {

// "org/name" of a Hugging Face cache path (.../models--org--name/snapshots/<commit>[/]), or "".
std::string hub_id_of_cache_path(const std::string& path) {
  static const std::regex cache("models--([^/]+?)--([^/]+)/snapshots/[^/]+/?$");
  std::smatch match;
  return std::regex_search(path, match, cache) ? match[1].str() + "/" + match[2].str() : std::string();
}

}  // namespace

const ReferenceModel* find_reference_model(const std::string& model_argument) {
  std::string id = hub_id_of_cache_path(model_argument);
  if (id.empty()) id = model_argument;
  for (const ReferenceModel& model : reference_models())
    if (model.model == id) return &model;
  // A local folder named like the model's repository (the name after the slash), if unique.
  std::filesystem::path path(model_argument);
  if (!path.has_filename()) path = path.parent_path();
  const std::string folder = path.filename().string();
  const ReferenceModel* found = nullptr;
  for (const ReferenceModel& model : reference_models()) {
    if (model.model.substr(model.model.find('/') + 1) != folder) continue;
    if (found) return nullptr;  // ambiguous
    found = &model;
  }
  return found;
}

nlohmann::ordered_json apply_reference_settings(ScoringRunOptions& options, std::string* ref_model) {
  const ReferenceModel* entry = find_reference_model(options.model);
  if (!entry) return nullptr;
  nlohmann::ordered_json applied = nlohmann::ordered_json::object();
  nlohmann::ordered_json not_applied = nlohmann::ordered_json::object();
  auto free = [&](const char* key) { return options.given.count(key) == 0; };
  if (!entry->chat_template.empty() && free("chat_template")) {
    options.chat_template = entry->chat_template;
    applied["chat_template"] = entry->chat_template;
  }
  if (entry->batch_size > 0 && free("batch_size")) {
    options.batch_size = static_cast<size_t>(entry->batch_size);
    applied["batch_size"] = entry->batch_size;
  }
  if (entry->max_length > 0 && free("max_length")) {
    options.max_length = static_cast<size_t>(entry->max_length);
    applied["max_length"] = entry->max_length;
  }
  if (!entry->torch_dtype.empty() && free("dtype")) {
    options.dtype = entry->torch_dtype;
    applied["dtype"] = entry->torch_dtype;
  }
  if (ref_model && entry->dpo && !entry->ref_model.empty() && ref_model->empty() && free("ref_model")) {
    *ref_model = entry->ref_model;
    applied["ref_model"] = entry->ref_model;
  }
  if (entry->quantized != QuantizedSetting::No)
    not_applied["quantized"] = "the reference loads this model in 8-bit; this build computes in the dtype above";
  if (entry->trust_remote_code) not_applied["trust_remote_code"] = "no remote code runs here";
  if (!options.quiet) {
    std::cerr << "reference settings for " << entry->model << " (eval_configs.yaml):";
    if (applied.empty()) std::cerr << " none needed";
    for (const auto& [key, value] : applied.items())
      std::cerr << " " << key << "=" << (value.is_string() ? value.get<std::string>() : value.dump());
    std::cerr << " (flags you give override them)\n";
  }
  return {{"model", entry->model}, {"applied", applied}, {"not_applied", not_applied}};
}

}  // namespace rb::app

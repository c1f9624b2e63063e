// Torch-free entry points of the model layer: dtype names, the loader and the registry view.
#include "model/reward_model.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "common/error.h"
#include "model/architecture.h"
#include "model/decoder.h"
#include "model/model_config.h"

namespace rb::model {

DType parse_dtype(const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "float32" || lower == "fp32") return DType::Float32;
  if (lower == "bfloat16" || lower == "bf16") return DType::BFloat16;
  if (lower == "float16" || lower == "fp16" || lower == "half") return DType::Float16;
  throw InputError("unknown dtype '" + name + "' (use float32, bfloat16 or float16)");
}

std::string dtype_name(DType dtype) {
  switch (dtype) {
    case DType::Float32: return "float32";
    case DType::BFloat16: return "bfloat16";
    case DType::Float16: return "float16";
  }
  return "?";
}

AttnImplementation parse_attn_implementation(const std::string& name) {
  if (name == "sdpa") return AttnImplementation::Sdpa;
  if (name == "eager") return AttnImplementation::Eager;
  if (name == "flash_attention_2") return AttnImplementation::FlashAttention2;
  throw InputError("unknown attn_implementation '" + name + "' (use sdpa, eager or flash_attention_2)");
}

std::unique_ptr<RewardModel> load_reward_model(const std::string& folder, const LoadOptions& options) {
  if (!std::filesystem::is_directory(folder)) throw IoError("model folder not found: " + folder);
  const ConfigFile config_file = read_config_file(folder);
  const ArchitectureSpec spec = architecture_for_names(
      parse_architecture_names(config_file.text, config_file.source), config_file.source, false);
  const io::SafetensorsCheckpoint checkpoint = io::SafetensorsCheckpoint::open_folder(folder);
  if (spec.build_reward_model)
    return spec.build_reward_model(config_file.text, config_file.source, checkpoint, options);
  const ModelConfig config = parse_model_config(config_file.text, config_file.source);
  return build_decoder_model(config, spec, checkpoint, options);
}

std::unique_ptr<CausalLanguageModel> load_causal_lm(const std::string& folder, const LoadOptions& options) {
  if (!std::filesystem::is_directory(folder)) throw IoError("model folder not found: " + folder);
  const ConfigFile config_file = read_config_file(folder);
  const ArchitectureSpec spec = architecture_for_names(
      parse_architecture_names(config_file.text, config_file.source), config_file.source, true);
  const io::SafetensorsCheckpoint checkpoint = io::SafetensorsCheckpoint::open_folder(folder);
  if (spec.build_causal_lm) return spec.build_causal_lm(config_file.text, config_file.source, checkpoint, options);
  const ModelConfig config = parse_model_config(config_file.text, config_file.source);
  return build_decoder_causal_lm(config, spec, checkpoint, options);
}

std::vector<std::string> supported_architectures() {
  std::vector<std::string> names;
  for (const ArchitectureSpec& spec : registered_architectures()) names.push_back(spec.class_name);
  return names;
}

}  // namespace rb::model

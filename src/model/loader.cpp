// The registry lookup between a folder and a family's builder (model/architecture.h).
#include "model/loader.h"

#include <filesystem>

#include "common/error.h"
#include "model/architecture.h"

namespace rb::model {
namespace {

// The family config.json names, built with `build` (its reward-model or causal-LM builder).
template <class Builder>
auto load(const std::string& folder, const LoadOptions& options, bool causal_lm, Builder Architecture::*build) {
  if (!std::filesystem::is_directory(folder)) throw IoError("model folder not found: " + folder);
  ConfigReader config = ConfigReader::from_path(folder);
  const Architecture& family =
      architecture_for_names(config.string_list("architectures"), config.source(), causal_lm);
  const io::SafetensorsCheckpoint checkpoint = io::SafetensorsCheckpoint::open_folder(folder);
  return (family.*build)(ModelSource{std::move(config), checkpoint, options});
}

}  // namespace

std::unique_ptr<RewardModel> load_reward_model(const std::string& folder, const LoadOptions& options) {
  return load(folder, options, false, &Architecture::build_reward_model);
}

std::unique_ptr<CausalLanguageModel> load_causal_lm(const std::string& folder, const LoadOptions& options) {
  return load(folder, options, true, &Architecture::build_causal_lm);
}

std::vector<std::string> supported_architectures() { return reward_model_classes(); }

}  // namespace rb::model

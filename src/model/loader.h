#pragma once
// Loading a Hugging Face folder (config.json + model.safetensors or a sharded index) as the model
// its config.json names. Torch-free: the layers above the model layer include this and
// reward_model.h, nothing else of src/model.
#include <memory>
#include <string>
#include <vector>

#include "model/reward_model.h"

namespace rb::model {

// Throws rb::ModelError (unknown architecture, missing/mis-shaped weight) or rb::IoError.
std::unique_ptr<RewardModel> load_reward_model(const std::string& folder, const LoadOptions& options);

// A *ForCausalLM folder (config.architectures names a registered causal-LM class).
std::unique_ptr<CausalLanguageModel> load_causal_lm(const std::string& folder, const LoadOptions& options);

// Reward-model classes this build can load (for --help and error messages).
std::vector<std::string> supported_architectures();

// Sets libtorch's intra-op thread count (libtorch sees one core here unless told).
void set_num_threads(int num_threads);

}  // namespace rb::model

#pragma once
// The demo's random Llama (app/demo_assets.h) as the other model kinds tests need: a tied-
// embedding LlamaForCausalLM with the same weights (the score head is left unused), for DPO runs.
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace rb::testing {

// Copies the demo model folder `demo_model` to `to` as a causal LM; returns `to`.
inline std::string causal_lm_copy(const std::filesystem::path& demo_model, const std::filesystem::path& to) {
  std::filesystem::create_directories(to);
  for (const char* name : {"model.safetensors", "tokenizer.json", "tokenizer_config.json"})
    std::filesystem::copy_file(demo_model / name, to / name, std::filesystem::copy_options::overwrite_existing);
  auto config = nlohmann::json::parse(read_file((demo_model / "config.json").string()));
  config["architectures"] = {"LlamaForCausalLM"};
  config["tie_word_embeddings"] = true;
  std::ofstream(to / "config.json") << config.dump(2);
  return to.string();
}

}  // namespace rb::testing

#pragma once
// Test support for GPT-2 / GPT-NeoX: a writer of tiny random model folders (config.json +
// model.safetensors with every head: score, LM and OpenAssistant's out_proj) and a plain float64
// libtorch reference written from transformers' formulas, one sequence at a time, with explicit
// LayerNorm, activations, rotary and masks (none of the code under test is used).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rb::testing::gpt {

enum class Family { Gpt2, Neox, OpenAssistant };

struct TinyGptSpec {
  Family family = Family::Gpt2;
  int64_t hidden = 32;
  int64_t layers = 2;
  int64_t heads = 4;
  int64_t inner = 48;
  int64_t vocab = 64;
  int64_t positions = 64;  // GPT-2 n_positions
  int64_t num_labels = 1;
  std::string weight_prefix = "default";  // "default": transformer. / gpt_neox.; else written as given
  std::string storage_dtype = "F32";
  uint32_t seed = 1;
  nlohmann::json extra_config = nlohmann::json::object();  // merged into config.json last
};

struct TinyGpt {
  std::string folder;
  Family family = Family::Gpt2;
  nlohmann::json config;
  std::string prefix;
  // Weights as float values exactly representable in the stored dtype.
  std::map<std::string, std::pair<std::vector<int64_t>, std::vector<float>>> weights;
};

TinyGpt write_tiny_gpt(const std::string& folder, const TinyGptSpec& spec);

// Score(s) of one sequence: GPT-2 / NeoX classifiers at pool_index; OpenAssistant per its pooling
// over the whole sequence.
std::vector<double> reference_gpt_score(const TinyGpt& model, const std::vector<int32_t>& tokens,
                                        int64_t position_start, int64_t pool_index);
// log p(token[t+1] | tokens[..t]) for t = 0 .. L-2 with the causal-LM head.
std::vector<double> reference_gpt_log_probs(const TinyGpt& model, const std::vector<int32_t>& tokens,
                                            int64_t position_start);

}  // namespace rb::testing::gpt

#pragma once
// `rewardbench dpo` (scripts/run_dpo.py, or the reference CLI with --ref_model): score a DPO-trained
// causal LM by its implicit reward on a RewardBench v1 preference set (a .json/.jsonl/.parquet file
// or a folder of prior-set splits). With --ref_model the reward is the summed log-probability ratio
// against the reference model; without it, the policy alone with --ref_free_type avg (default), sum
// or norm. Texts, tokens and rewards follow rewardbench/dpo.py (see pipeline/dpo_tokenization.h and
// eval/implicit_reward.h). Writes results.json (model_type "DPO" / "DPO Ref. Free", ref_model),
// outputs.jsonl and run.json into --output_dir (default results/<model>, plus "_ref_free" without a
// reference model, as run_dpo names its files).
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "model/reward_model.h"

namespace CLI {
class App;
}

namespace rb::cli {

struct DpoOptions {
  std::string model;                   // policy: a *ForCausalLM Hugging Face folder
  std::string ref_model;               // empty: reference-free
  std::string ref_free_type = "avg";   // avg | sum | norm (ignored with a reference model)
  std::string tokenizer;               // defaults to the model folder
  std::string dataset;
  std::string chat_template = "tulu";  // FastChat fallback; the tokenizer's template always wins
  std::string output_dir;
  std::string dtype = "auto";          // auto: float32 on CPU, bfloat16 on CUDA
  std::string device = "cpu";
  std::string attn_implementation = "sdpa";  // as the reference's flag; decides CUDA bf16 rounding
  size_t batch_size = 64;              // most sequences in one packed forward pass
  size_t max_tokens_per_batch = 16384;
  size_t max_length = 2048;            // DPOInference's max_length
  size_t max_prompt_length = 128;      // DPOInference's max_prompt_length (keep_end)
  int threads = 0;                     // 0: all cores
  std::optional<size_t> limit;         // first N rows only (--debug: 10)
  bool quiet = false;
  std::string command_line;            // recorded in run.json
  std::string label;                   // results.json "model"; default: --model as given
};

int run_dpo_eval(const DpoOptions& options);

// Registers `dpo` and its flags (the reference's underscore spellings and hyphenated aliases) on
// `app`, filling `options`; main() then calls run_dpo_eval(options) when it was chosen.
void add_dpo_command(CLI::App& app, DpoOptions& options);

// The same with the model loader supplied (tests use a fake causal LM).
using CausalLmLoader =
    std::function<std::unique_ptr<model::CausalLanguageModel>(const std::string& folder, const model::LoadOptions&)>;
int run_dpo_eval_with_loader(const DpoOptions& options, const CausalLmLoader& load_causal_lm);

}  // namespace rb::cli

#pragma once
// `rewardbench dpo` (scripts/run_dpo.py, or the reference CLI with --ref_model): score a DPO-trained
// causal LM by its implicit reward on RewardBench v1 pairs or the prior preference sets. With
// --ref_model the reward is the summed log-probability ratio against the reference model; without
// it, the policy alone with --ref_free_type avg (default), sum or norm. Texts, tokens and rewards
// follow rewardbench/dpo.py (pipeline/dpo_tokenization.h, eval/implicit_reward.h). Both models'
// log-probs go through the score cache, so a killed run resumes. Writes outputs.jsonl,
// results.json (model_type "DPO" / "DPO Ref. Free", ref_model) and run.json into --output_dir
// (default results/<model>, plus "_ref_free" without a reference model, as run_dpo names its files).
#include <functional>
#include <memory>
#include <string>

#include "app/option_table.h"
#include "app/run_options.h"
#include "model/reward_model.h"

namespace rb::app {

struct DpoOptions : ScoringRunOptions {
  std::string ref_model;                // empty: reference-free; a folder or org/name on the Hub
  std::string ref_revision = "main";    // Hub revision of --ref_model
  std::string ref_free_type = "avg";    // avg | sum | norm (ignored with a reference model)
  size_t max_prompt_length = 128;       // DPOInference's max_prompt_length (keep_end)
};

const OptionTable<DpoOptions>& dpo_options_table();

// Returns 0; throws rb::Error (InputError, IoError, ModelError, ...) with context on failure.
int run_dpo(const DpoOptions& options);

// The same with the causal-LM loader supplied (tests use stand-in models).
using CausalLmLoader =
    std::function<std::unique_ptr<model::CausalLanguageModel>(const std::string& folder, const model::LoadOptions&)>;
int run_dpo_with_loader(const DpoOptions& options, const CausalLmLoader& load_causal_lm);

}  // namespace rb::app

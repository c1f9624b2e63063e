#pragma once
// A reward model scoring texts as scripts/run_rm.py does: the tokenizer folder and its text
// builder, the model, the reference's sequence rules (truncation, doubled BOS, pooled token), and
// packed scoring through the score cache, with progress. eval's v1, RewardBench 2 and
// instruction-data flows differ only in how rows become texts and scores become metrics.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/run_context.h"
#include "app/score_cache.h"
#include "app/scoring_setup.h"
#include "model/reward_model.h"
#include "pipeline/sequence_builder.h"
#include "pipeline/text_builder.h"
#include "pipeline/text_scorer.h"
#include "pipeline/tokenizer_folder.h"

namespace rb::app {

class RewardScorer {
 public:
  // Resolves the numerics and loads the tokenizer folder (cheap); the model loads in load_model(),
  // after the caller has validated and rendered its data, so bad data fails before the expensive part.
  // `model_folder` is the local folder (a Hub snapshot for a repo id).
  RewardScorer(const ScoringRunOptions& options, std::string model_folder, RunContext& run);
  ~RewardScorer();

  const pipeline::TextBuilder& text_builder() const { return text_builder_; }
  void load_model();
  // One row of num_labels scores per text, each distinct text scored once. `padding_groups`: the
  // texts the reference pads together (pipeline::ScoringOptions), for left-padding tokenizers.
  std::vector<std::vector<float>> score(const std::vector<std::string>& texts,
                                        std::vector<std::vector<size_t>> padding_groups = {});

  // run.json's sections: the config (what decides the scores, and what was scored) with the
  // provenance and cache of this model.
  report::RunRecord run_record(const std::string& dataset, size_t num_rows) const;

 private:
  const ScoringRunOptions& options_;
  RunContext& run_;
  ScoringSetup setup_;
  std::string model_folder_, tokenizer_dir_;
  pipeline::TokenizerFolder folder_;
  pipeline::TextBuilder text_builder_;
  std::unique_ptr<model::RewardModel> model_;
  std::optional<pipeline::SequenceBuilder> sequence_builder_;
  pipeline::SequenceOptions sequence_options_;
  std::optional<int64_t> pad_id_;
  pipeline::ScoringStats stats_;
  std::unique_ptr<RunScoreCache> cache_;
  std::unique_ptr<ModelScoreStore> store_;
  cache::FingerprintSettings fingerprint_settings_;
};

}  // namespace rb::app

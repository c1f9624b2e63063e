#pragma once
// What every scoring command shares: threads, the tokenizer folder and its text builder, the
// model, the reference's sequence rules, packed scoring with progress, stage timings, and the
// run configuration recorded in run.json. v1 (eval) and RewardBench 2 (eval --v2) differ only in
// how rows become texts and how scores become metrics. Scores go through the on-disk score cache
// (unless --no-cache), keyed by the model fingerprint and the exact token ids; run.json records
// the configuration, the build, the fingerprint and the digests of the files written.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/eval_command.h"
#include "model/reward_model.h"
#include "pipeline/sequence_builder.h"
#include "pipeline/text_builder.h"
#include "pipeline/text_scorer.h"
#include "pipeline/tokenizer_folder.h"
#include "report/run_file.h"

namespace rb::cli {

class StageClock {
 public:
  void lap(const std::string& stage);
  const std::vector<report::StageTiming>& timings() const { return timings_; }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
  std::vector<report::StageTiming> timings_;
};

class ScoreCacheSession;  // the open cache and this model's fingerprint (scoring_session.cpp)

class ScoringSession {
 public:
  // Sets threads and loads the tokenizer folder (cheap); the model loads in load_model(), after the
  // caller has validated and rendered its data, so bad data fails before the expensive part.
  explicit ScoringSession(const EvalOptions& options);
  ~ScoringSession();

  const pipeline::TextBuilder& text_builder() const { return text_builder_; }
  void load_model();
  // One row of num_labels scores per text, each distinct text scored once. `padding_groups`: the
  // texts the reference pads together (pipeline::ScoringOptions), for left-padding tokenizers.
  std::vector<std::vector<float>> score(const std::vector<std::string>& texts,
                                        std::vector<std::vector<size_t>> padding_groups = {});

  const std::string& output_dir() const { return output_dir_; }
  std::string results_model_name() const;
  // Everything that decides the scores, for run.json.
  nlohmann::ordered_json run_config(size_t num_rows) const;
  // run.json in the output folder, naming `output_files` (already written there) with digests.
  void write_run_json(size_t num_rows, const std::vector<std::string>& output_files);
  StageClock& clock() { return clock_; }
  void log(const std::string& line) const;

 private:
  void open_cache();  // after load_model: fingerprint the model, open the score cache

  const EvalOptions& options_;
  int threads_;
  std::string tokenizer_dir_, output_dir_;
  model::DType dtype_;
  pipeline::TokenizerFolder folder_;
  pipeline::TextBuilder text_builder_;
  std::unique_ptr<model::RewardModel> model_;
  std::optional<pipeline::SequenceBuilder> sequence_builder_;
  pipeline::SequenceOptions sequence_options_;
  std::optional<int64_t> pad_id_;
  pipeline::ScoringStats stats_;
  StageClock clock_;
  std::unique_ptr<ScoreCacheSession> cache_;
};

}  // namespace rb::cli

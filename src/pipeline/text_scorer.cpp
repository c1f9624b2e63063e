#include "pipeline/text_scorer.h"

#include <unordered_map>

#include "runtime/scorer.h"

namespace rb::pipeline {

std::vector<std::vector<float>> score_texts(model::RewardModel& model, const SequenceBuilder& builder,
                                            const std::vector<std::string>& texts, const ScoringOptions& options,
                                            const ProgressCallback& progress, ScoringStats* stats) {
  // Chosen and rejected texts repeat across rows (ties, shared answers): score each text once.
  std::vector<std::string> distinct;
  std::vector<size_t> slot_of_text(texts.size());
  std::unordered_map<std::string_view, size_t> slot_of;
  for (size_t i = 0; i < texts.size(); ++i) {
    auto [it, inserted] = slot_of.emplace(texts[i], distinct.size());
    if (inserted) distinct.push_back(texts[i]);
    slot_of_text[i] = it->second;
  }

  const auto built = builder.build_all(distinct);
  std::vector<runtime::ScoringSequence> sequences(built.size());
  size_t tokens = 0, at_max_length = 0;
  for (size_t i = 0; i < built.size(); ++i) {
    sequences[i].token_ids = built[i].ids;
    sequences[i].pool_index = built[i].pool_index;
    sequences[i].position_start = built[i].position_start;
    tokens += static_cast<size_t>(built[i].pool_index) + 1;
    if (built[i].ids.size() + static_cast<size_t>(built[i].position_start) >= builder.max_length()) ++at_max_length;
  }

  runtime::BatchLimits limits;
  limits.max_sequences_per_batch = static_cast<int64_t>(options.max_sequences_per_batch);
  limits.max_tokens_per_batch = static_cast<int64_t>(options.max_tokens_per_batch);
  const auto distinct_scores = runtime::score_sequences(model, sequences, limits, progress);

  if (stats) *stats = {distinct.size(), tokens, at_max_length};
  std::vector<std::vector<float>> scores(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) scores[i] = distinct_scores[slot_of_text[i]];
  return scores;
}

}  // namespace rb::pipeline

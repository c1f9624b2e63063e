#include "pipeline/dpo_log_probs.h"

#include <map>

#include "common/error.h"

namespace rb::pipeline {

std::vector<float> answer_log_probs_from_row(const std::vector<float>& next_token_row, size_t sequence_length,
                                             size_t prompt_length) {
  if (sequence_length == 0 || next_token_row.size() != sequence_length - 1)
    throw ModelError("causal LM returned " + std::to_string(next_token_row.size()) +
                     " next-token log-probs for a sequence of " + std::to_string(sequence_length) + " tokens");
  if (prompt_length == 0 || prompt_length > sequence_length)
    throw ModelError("DPO sequence of " + std::to_string(sequence_length) + " tokens has an invalid prompt length " +
                     std::to_string(prompt_length));
  // Label j (j >= prompt_length) is predicted from position j - 1.
  return std::vector<float>(next_token_row.begin() + static_cast<std::ptrdiff_t>(prompt_length - 1),
                            next_token_row.end());
}

std::vector<std::vector<float>> answer_log_probs(model::CausalLanguageModel& model, const std::vector<DpoSequence>& sequences,
                                                 const runtime::BatchLimits& limits,
                                                 const runtime::ProgressCallback& progress, runtime::ScoreStore* store,
                                                 runtime::StoreStats* stats) {
  // Ties and shared answers repeat whole sequences: run each distinct id list once.
  std::vector<runtime::ScoringSequence> distinct;
  std::vector<size_t> slot_of_sequence(sequences.size());
  std::map<std::vector<int32_t>, size_t> slot_of_ids;
  for (size_t i = 0; i < sequences.size(); ++i) {
    auto [it, inserted] = slot_of_ids.emplace(sequences[i].ids, distinct.size());
    if (inserted) distinct.push_back({sequences[i].ids, -1, 0});
    slot_of_sequence[i] = it->second;
  }

  std::vector<int64_t> lengths;
  lengths.reserve(distinct.size());
  for (const auto& sequence : distinct) lengths.push_back(static_cast<int64_t>(sequence.token_ids.size()));
  const std::vector<std::vector<float>> rows = runtime::compute_outputs(
      distinct, lengths, limits, [&](const model::PackedBatch& batch) { return model.next_token_log_probs(batch); },
      store, progress, stats);

  std::vector<std::vector<float>> answers(sequences.size());
  for (size_t i = 0; i < sequences.size(); ++i)
    answers[i] = answer_log_probs_from_row(rows[slot_of_sequence[i]], sequences[i].ids.size(), sequences[i].prompt_length);
  return answers;
}

}  // namespace rb::pipeline

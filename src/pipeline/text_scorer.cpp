#include "pipeline/text_scorer.h"

#include <string_view>
#include <unordered_map>

namespace rb::pipeline {
namespace {

struct DistinctTexts {
  std::vector<std::string> texts;
  std::vector<size_t> slot_of_text;  // per input text, its index in `texts`
};

// Chosen and rejected texts repeat across rows (ties, shared answers): score each text once.
DistinctTexts deduplicate(const std::vector<std::string>& texts) {
  DistinctTexts distinct;
  distinct.slot_of_text.resize(texts.size());
  std::unordered_map<std::string_view, size_t> slot_of;
  for (size_t i = 0; i < texts.size(); ++i) {
    auto [it, inserted] = slot_of.emplace(texts[i], distinct.texts.size());
    if (inserted) distinct.texts.push_back(texts[i]);
    distinct.slot_of_text[i] = it->second;
  }
  return distinct;
}

// Scores sequences[pending] batch by batch (longest first, as the runtime plans), handing each
// finished batch to the store before the next one starts.
void score_pending(model::RewardModel& model, const std::vector<runtime::ScoringSequence>& sequences,
                   const std::vector<size_t>& pending, const ScoringOptions& options, ScoreStore* store,
                   std::vector<std::vector<float>>& scores, size_t already_done, const ProgressCallback& progress) {
  std::vector<int64_t> computed_lengths;
  for (size_t index : pending) {
    const auto& sequence = sequences[index];
    computed_lengths.push_back(sequence.pool_index < 0 ? static_cast<int64_t>(sequence.token_ids.size())
                                                       : sequence.pool_index + 1);
  }
  runtime::BatchLimits limits;
  limits.max_sequences_per_batch = static_cast<int64_t>(options.max_sequences_per_batch);
  limits.max_tokens_per_batch = static_cast<int64_t>(options.max_tokens_per_batch);
  size_t done = already_done;
  for (const std::vector<size_t>& batch : runtime::plan_batches(computed_lengths, limits)) {
    std::vector<size_t> indices;
    for (size_t j : batch) indices.push_back(pending[j]);
    std::vector<std::vector<float>> batch_scores = model.score(runtime::pack_sequences(sequences, indices));
    if (store) {
      std::vector<const runtime::ScoringSequence*> stored;
      for (size_t index : indices) stored.push_back(&sequences[index]);
      store->store(stored, batch_scores);
    }
    for (size_t j = 0; j < indices.size(); ++j) scores[indices[j]] = std::move(batch_scores[j]);
    done += indices.size();
    if (progress) progress(done, sequences.size());
  }
}

}  // namespace

std::vector<std::vector<float>> score_texts(model::RewardModel& model, const SequenceBuilder& builder,
                                            const std::vector<std::string>& texts, const ScoringOptions& options,
                                            const ProgressCallback& progress, ScoringStats* stats, ScoreStore* store) {
  const DistinctTexts distinct = deduplicate(texts);
  const auto built = builder.build_all(distinct.texts);
  std::vector<runtime::ScoringSequence> sequences(built.size());
  size_t tokens = 0, at_max_length = 0;
  for (size_t i = 0; i < built.size(); ++i) {
    sequences[i].token_ids = built[i].ids;
    sequences[i].pool_index = built[i].pool_index;
    sequences[i].position_start = built[i].position_start;
    tokens += static_cast<size_t>(built[i].pool_index) + 1;
    if (built[i].ids.size() + static_cast<size_t>(built[i].position_start) >= builder.max_length()) ++at_max_length;
  }

  std::vector<std::vector<float>> distinct_scores(sequences.size());
  std::vector<size_t> pending;
  if (store) {
    auto found = store->find(sequences);
    for (size_t i = 0; i < sequences.size(); ++i) {
      if (found[i]) distinct_scores[i] = std::move(*found[i]);
      else pending.push_back(i);
    }
  } else {
    for (size_t i = 0; i < sequences.size(); ++i) pending.push_back(i);
  }
  const size_t hits = sequences.size() - pending.size();
  if (progress && hits > 0) progress(hits, sequences.size());
  score_pending(model, sequences, pending, options, store, distinct_scores, hits, progress);

  if (stats) *stats = {distinct.texts.size(), tokens, at_max_length, hits, pending.size()};
  std::vector<std::vector<float>> scores(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) scores[i] = distinct_scores[distinct.slot_of_text[i]];
  return scores;
}

}  // namespace rb::pipeline

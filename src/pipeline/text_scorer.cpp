#include "pipeline/text_scorer.h"

#include <algorithm>
#include <map>
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

// Per input text, the pads the reference's left padding puts before it: the longest sequence of its
// padding group minus its own length, as the reference tokenized them (a dropped double BOS counts).
std::vector<int64_t> left_padding_offsets(const std::vector<ModelSequence>& built, const DistinctTexts& distinct,
                                          const std::vector<std::vector<size_t>>& groups) {
  std::vector<int64_t> offsets(distinct.slot_of_text.size(), 0);
  auto reference_length = [&](size_t text) {
    const ModelSequence& sequence = built[distinct.slot_of_text[text]];
    return static_cast<int64_t>(sequence.ids.size()) + sequence.position_start;
  };
  for (const auto& group : groups) {
    int64_t longest = 0;
    for (size_t text : group) longest = std::max(longest, reference_length(text));
    for (size_t text : group) offsets[text] = longest - reference_length(text);
  }
  return offsets;
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

std::vector<std::vector<size_t>> pairwise_padding_groups(size_t num_pairs, size_t batch_size) {
  std::vector<std::vector<size_t>> groups;
  for (size_t first = 0; first < num_pairs; first += std::max<size_t>(batch_size, 1)) {
    const size_t last = std::min(num_pairs, first + std::max<size_t>(batch_size, 1));
    for (size_t side = 0; side < 2; ++side) {
      std::vector<size_t>& group = groups.emplace_back();
      for (size_t row = first; row < last; ++row) group.push_back(2 * row + side);
    }
  }
  return groups;
}

std::vector<std::vector<size_t>> consecutive_padding_groups(size_t num_texts, size_t batch_size) {
  std::vector<std::vector<size_t>> groups;
  const size_t step = std::max<size_t>(batch_size, 1);
  for (size_t first = 0; first < num_texts; first += step) {
    std::vector<size_t>& group = groups.emplace_back();
    for (size_t text = first; text < std::min(num_texts, first + step); ++text) group.push_back(text);
  }
  return groups;
}

std::vector<std::vector<float>> score_texts(model::RewardModel& model, const SequenceBuilder& builder,
                                            const std::vector<std::string>& texts, const ScoringOptions& options,
                                            const ProgressCallback& progress, ScoringStats* stats, ScoreStore* store) {
  const DistinctTexts distinct_texts = deduplicate(texts);
  const auto built = builder.build_all(distinct_texts.texts);
  const std::vector<int64_t> offsets =
      builder.pads_left() ? left_padding_offsets(built, distinct_texts, options.padding_groups)
                          : std::vector<int64_t>(texts.size(), 0);
  // A model input is a text at a first position: the same text padded differently is another input.
  std::map<std::pair<size_t, int64_t>, size_t> input_of;
  std::vector<size_t> input_of_text(texts.size());
  std::vector<runtime::ScoringSequence> sequences;
  size_t tokens = 0, at_max_length = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    const size_t slot = distinct_texts.slot_of_text[i];
    auto [it, inserted] = input_of.emplace(std::make_pair(slot, offsets[i]), sequences.size());
    input_of_text[i] = it->second;
    if (!inserted) continue;
    const ModelSequence& sequence = built[slot];
    runtime::ScoringSequence& scored = sequences.emplace_back();
    scored.token_ids = sequence.ids;
    scored.pool_index = sequence.pool_index;
    scored.position_start = sequence.position_start + offsets[i];
    tokens += static_cast<size_t>(sequence.pool_index) + 1;
    if (sequence.ids.size() + static_cast<size_t>(sequence.position_start) >= builder.max_length()) ++at_max_length;
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

  if (stats) *stats = {sequences.size(), tokens, at_max_length, hits, pending.size()};
  std::vector<std::vector<float>> scores(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) scores[i] = distinct_scores[input_of_text[i]];
  return scores;
}

}  // namespace rb::pipeline

#include "pipeline/text_scorer.h"

#include <algorithm>
#include <map>
#include <string_view>

#include "eval/v2_dataset.h"

namespace rb::pipeline {
namespace {

struct DistinctTexts {
  std::vector<std::string> texts;
  std::vector<size_t> slot_of_text;  // per input text, its index in `texts`
};

// Chosen and rejected texts repeat across rows (ties, shared answers): score each text once.
DistinctTexts deduplicate(const std::vector<std::string>& texts) {
  const eval::Deduplication classes = eval::deduplicate_texts(texts);
  DistinctTexts distinct;
  distinct.slot_of_text = classes.unique_of;
  for (size_t first : classes.first_index) distinct.texts.push_back(texts[first]);
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
                                            const runtime::ProgressCallback& progress, ScoringStats* stats,
                                            runtime::ScoreStore* store) {
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
    scored.pool_index = builder.pool_index_after_left_padding(sequence, offsets[i]);
    scored.position_start = sequence.position_start + offsets[i];
    tokens += static_cast<size_t>(scored.pool_index) + 1;
    if (sequence.ids.size() + static_cast<size_t>(sequence.position_start) >= builder.max_length()) ++at_max_length;
  }

  runtime::BatchLimits limits;
  limits.max_sequences_per_batch = static_cast<int64_t>(options.max_sequences_per_batch);
  limits.max_tokens_per_batch = static_cast<int64_t>(options.max_tokens_per_batch);
  runtime::StoreStats store_stats;
  const std::vector<std::vector<float>> distinct_scores =
      runtime::score_sequences(model, sequences, limits, progress, store, &store_stats);
  if (stats) *stats = {sequences.size(), tokens, at_max_length, store_stats.hits, store_stats.misses};
  std::vector<std::vector<float>> scores(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) scores[i] = distinct_scores[input_of_text[i]];
  return scores;
}

}  // namespace rb::pipeline

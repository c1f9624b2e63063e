#include "runtime/scorer.h"

#include <string>

#include "common/error.h"

namespace rb::runtime {
namespace {

int64_t resolved_pool_index(const ScoringSequence& sequence, size_t index) {
  const int64_t length = static_cast<int64_t>(sequence.token_ids.size());
  if (length == 0) throw InputError("sequence " + std::to_string(index) + " has no tokens");
  const int64_t pool = sequence.pool_index < 0 ? length - 1 : sequence.pool_index;
  if (pool >= length)
    throw InputError("sequence " + std::to_string(index) + ": pool_index " + std::to_string(pool) +
                     " is past its " + std::to_string(length) + " tokens");
  return pool;
}

}  // namespace

int64_t rightmost_non_pad_index(const std::vector<int32_t>& token_ids, std::optional<int64_t> pad_token_id) {
  if (token_ids.empty()) throw InputError("cannot pool an empty sequence");
  if (!pad_token_id) return static_cast<int64_t>(token_ids.size()) - 1;
  for (size_t i = token_ids.size(); i-- > 0;)
    if (token_ids[i] != *pad_token_id) return static_cast<int64_t>(i);
  return 0;
}

model::PackedBatch pack_sequences(const std::vector<ScoringSequence>& sequences, const std::vector<size_t>& indices) {
  model::PackedBatch batch;
  batch.offsets.push_back(0);
  for (size_t index : indices) {
    const ScoringSequence& sequence = sequences.at(index);
    batch.pool_index.push_back(resolved_pool_index(sequence, index));
    batch.position_start.push_back(sequence.position_start);
    batch.token_ids.insert(batch.token_ids.end(), sequence.token_ids.begin(), sequence.token_ids.end());
    batch.offsets.push_back(static_cast<int64_t>(batch.token_ids.size()));
  }
  return batch;
}

std::vector<std::vector<float>> score_sequences(model::RewardModel& model, const std::vector<ScoringSequence>& sequences,
                                                const BatchLimits& limits, const ProgressCallback& progress) {
  std::vector<int64_t> computed_lengths;
  for (size_t i = 0; i < sequences.size(); ++i) computed_lengths.push_back(resolved_pool_index(sequences[i], i) + 1);
  std::vector<std::vector<float>> scores(sequences.size());
  size_t done = 0;
  for (const std::vector<size_t>& batch : plan_batches(computed_lengths, limits)) {
    std::vector<std::vector<float>> batch_scores = model.score(pack_sequences(sequences, batch));
    for (size_t j = 0; j < batch.size(); ++j) scores[batch[j]] = std::move(batch_scores[j]);
    done += batch.size();
    if (progress) progress(done, sequences.size());
  }
  return scores;
}

void set_num_threads(int num_threads) { model::set_num_threads(num_threads); }

}  // namespace rb::runtime

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

int64_t before_first_pad_index(const std::vector<int32_t>& token_ids, std::optional<int64_t> pad_token_id,
                               int64_t left_pads) {
  if (token_ids.empty()) throw InputError("cannot pool an empty sequence");
  const int64_t last = static_cast<int64_t>(token_ids.size()) - 1;
  if (!pad_token_id || left_pads > 0) return last;
  for (size_t i = 0; i < token_ids.size(); ++i)
    if (token_ids[i] == *pad_token_id) return i == 0 ? last : static_cast<int64_t>(i) - 1;
  return last;
}

int64_t pooled_index(model::PoolingRule rule, const std::vector<int32_t>& token_ids,
                     std::optional<int64_t> pad_token_id, int64_t left_pads) {
  switch (rule) {
    case model::PoolingRule::RightmostNonPad: return rightmost_non_pad_index(token_ids, pad_token_id);
    case model::PoolingRule::BeforeFirstPad: return before_first_pad_index(token_ids, pad_token_id, left_pads);
  }
  return rightmost_non_pad_index(token_ids, pad_token_id);
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

std::vector<std::vector<float>> compute_outputs(const std::vector<ScoringSequence>& sequences,
                                                const std::vector<int64_t>& computed_lengths,
                                                const BatchLimits& limits, const BatchFunction& compute,
                                                ScoreStore* store, const ProgressCallback& progress,
                                                StoreStats* stats) {
  std::vector<std::vector<float>> outputs(sequences.size());
  std::vector<size_t> pending;
  if (store) {
    auto found = store->find(sequences);
    for (size_t i = 0; i < sequences.size(); ++i) {
      if (found[i]) outputs[i] = std::move(*found[i]);
      else pending.push_back(i);
    }
  } else {
    for (size_t i = 0; i < sequences.size(); ++i) pending.push_back(i);
  }
  const size_t hits = sequences.size() - pending.size();
  if (stats) *stats = {hits, pending.size()};
  if (progress && hits > 0) progress(hits, sequences.size());

  std::vector<int64_t> pending_lengths;
  for (size_t index : pending) pending_lengths.push_back(computed_lengths[index]);
  size_t done = hits;
  for (const std::vector<size_t>& batch : plan_batches(pending_lengths, limits)) {
    std::vector<size_t> indices;
    for (size_t j : batch) indices.push_back(pending[j]);
    std::vector<std::vector<float>> batch_outputs = compute(pack_sequences(sequences, indices));
    if (batch_outputs.size() != indices.size())
      throw ModelError("the model returned " + std::to_string(batch_outputs.size()) + " rows for a batch of " +
                       std::to_string(indices.size()) + " sequences");
    if (store) {
      std::vector<const ScoringSequence*> stored;
      for (size_t index : indices) stored.push_back(&sequences[index]);
      store->store(stored, batch_outputs);
    }
    for (size_t j = 0; j < indices.size(); ++j) outputs[indices[j]] = std::move(batch_outputs[j]);
    done += indices.size();
    if (progress) progress(done, sequences.size());
  }
  return outputs;
}

std::vector<std::vector<float>> score_sequences(model::RewardModel& model, const std::vector<ScoringSequence>& sequences,
                                                const BatchLimits& limits, const ProgressCallback& progress,
                                                ScoreStore* store, StoreStats* stats) {
  std::vector<int64_t> computed_lengths;
  for (size_t i = 0; i < sequences.size(); ++i) computed_lengths.push_back(resolved_pool_index(sequences[i], i) + 1);
  return compute_outputs(
      sequences, computed_lengths, limits, [&](const model::PackedBatch& batch) { return model.score(batch); }, store,
      progress, stats);
}

}  // namespace rb::runtime

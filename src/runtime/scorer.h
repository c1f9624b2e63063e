#pragma once
// Runs a model over tokenized sequences: plans batches under a token budget, packs them without
// padding, and returns one output row per sequence in input order. With a ScoreStore (an on-disk
// cache) the sequences it holds are not computed again, and every computed batch is handed to it
// before the next one starts, so an interrupted run resumes from there. Torch-free.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "model/reward_model.h"
#include "runtime/batch_planner.h"

namespace rb::runtime {

struct ScoringSequence {
  std::vector<int32_t> token_ids;
  int64_t pool_index = -1;     // token whose hidden state is scored; -1 = the last token
  int64_t position_start = 0;  // position id of the first token (left-padding / dropped-BOS parity)
};

// Outputs kept beyond one call. Keys are the exact model inputs; the store itself answers for the
// model's identity.
class ScoreStore {
 public:
  virtual ~ScoreStore() = default;
  // One entry per sequence, in order: its stored output or nullopt.
  virtual std::vector<std::optional<std::vector<float>>> find(const std::vector<ScoringSequence>& sequences) = 0;
  // Called after every computed batch; durable when it returns.
  virtual void store(const std::vector<const ScoringSequence*>& sequences,
                     const std::vector<std::vector<float>>& outputs) = 0;
};

struct StoreStats {
  size_t hits = 0;    // sequences the store already had
  size_t misses = 0;  // sequences computed
};

// HF *ForSequenceClassification pooling: the rightmost token whose id != pad_token_id; the last
// token when there is no pad id; 0 when every token is pad (argmax of an all-zero row).
int64_t rightmost_non_pad_index(const std::vector<int32_t>& token_ids, std::optional<int64_t> pad_token_id);
// The olmo_adapter classifiers' pooling, `argmax(ids == pad) - 1` modulo the row length: the token
// before the first pad id; the last token when there is no pad id or none occurs. A row that
// starts with the pad id pools at the last column of the reference's padded row, which is the
// sequence's last token; with left padding (`left_pads` > 0) every padded row starts so.
int64_t before_first_pad_index(const std::vector<int32_t>& token_ids, std::optional<int64_t> pad_token_id,
                               int64_t left_pads = 0);
// The index `rule` pools in a sequence the reference puts `left_pads` pad ids before.
int64_t pooled_index(model::PoolingRule rule, const std::vector<int32_t>& token_ids,
                     std::optional<int64_t> pad_token_id, int64_t left_pads = 0);

// Packs sequences[indices] (in that order) into one batch.
model::PackedBatch pack_sequences(const std::vector<ScoringSequence>& sequences, const std::vector<size_t>& indices);

using ProgressCallback = std::function<void(size_t sequences_done, size_t sequences_total)>;
// One output row per sequence of the batch, in batch order.
using BatchFunction = std::function<std::vector<std::vector<float>>(const model::PackedBatch& batch)>;

// `computed_lengths[i]`: the tokens of sequence i the model computes (what the token budget counts).
// `store` may be null. Progress is reported after every batch (first for the stored ones).
std::vector<std::vector<float>> compute_outputs(const std::vector<ScoringSequence>& sequences,
                                                const std::vector<int64_t>& computed_lengths,
                                                const BatchLimits& limits, const BatchFunction& compute,
                                                ScoreStore* store = nullptr, const ProgressCallback& progress = {},
                                                StoreStats* stats = nullptr);

// A reward model's num_labels scores per sequence; the token budget counts the tokens up to each
// pooled token (later ones are never computed).
std::vector<std::vector<float>> score_sequences(model::RewardModel& model, const std::vector<ScoringSequence>& sequences,
                                                const BatchLimits& limits, const ProgressCallback& progress = {},
                                                ScoreStore* store = nullptr, StoreStats* stats = nullptr);

}  // namespace rb::runtime

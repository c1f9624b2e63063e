#pragma once
// Scores a list of tokenized sequences with a reward model: plans batches under a token budget,
// packs them without padding, and returns scores in input order. Torch-free.
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

// HF *ForSequenceClassification pooling: the rightmost token whose id != pad_token_id; the last
// token when there is no pad id; 0 when every token is pad (argmax of an all-zero row).
int64_t rightmost_non_pad_index(const std::vector<int32_t>& token_ids, std::optional<int64_t> pad_token_id);

// Packs sequences[indices] (in that order) into one batch.
model::PackedBatch pack_sequences(const std::vector<ScoringSequence>& sequences, const std::vector<size_t>& indices);

using ProgressCallback = std::function<void(size_t sequences_done, size_t sequences_total)>;

// One row of num_labels scores per input sequence, in input order. The token budget counts the
// tokens up to each pooled token (later ones are never computed). Progress is reported after
// every batch.
std::vector<std::vector<float>> score_sequences(model::RewardModel& model, const std::vector<ScoringSequence>& sequences,
                                                const BatchLimits& limits, const ProgressCallback& progress = {});

// libtorch intra-op threads (forwards to rb::model::set_num_threads).
void set_num_threads(int num_threads);

}  // namespace rb::runtime

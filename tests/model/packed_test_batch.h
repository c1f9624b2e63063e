#pragma once
// Token sequences packed into a model::PackedBatch in any order: the shared fixture of the model
// tests (batch-invariance and reference-agreement checks pack the same sequences several ways).
#include <cstdint>
#include <vector>

#include "model/reward_model.h"

namespace rb::testing {

struct TestSequence {
  std::vector<int32_t> tokens;
  int64_t position_start = 0;
  int64_t pool_index = 0;
};

inline model::PackedBatch pack(const std::vector<TestSequence>& sequences, const std::vector<size_t>& order) {
  model::PackedBatch batch;
  batch.offsets = {0};
  for (size_t index : order) {
    const TestSequence& s = sequences[index];
    batch.token_ids.insert(batch.token_ids.end(), s.tokens.begin(), s.tokens.end());
    batch.offsets.push_back(static_cast<int64_t>(batch.token_ids.size()));
    batch.position_start.push_back(s.position_start);
    batch.pool_index.push_back(s.pool_index);
  }
  return batch;
}

inline std::vector<size_t> all_indices(size_t n) {
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  return order;
}

}  // namespace rb::testing

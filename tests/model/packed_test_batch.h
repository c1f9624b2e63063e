#pragma once
// Token sequences packed into a model::PackedBatch in any order: the shared fixture of the model
// tests (batch-invariance and reference-agreement checks pack the same sequences several ways).
#include <cstdint>
#include <random>
#include <string>
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

// Random tokens below `vocab`, one sequence per entry of `lengths`: sequences 1, 4, 7, ... start at
// position `left_pad` (a left-padded text) and sequence 3 pools `pool_early_by` tokens before its end
// (every other one at its last token).
inline std::vector<TestSequence> random_test_sequences(int64_t vocab, uint32_t seed, const std::vector<int64_t>& lengths,
                                                       int64_t left_pad, int64_t pool_early_by) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int32_t> token(0, static_cast<int32_t>(vocab) - 1);
  std::vector<TestSequence> sequences;
  for (size_t i = 0; i < lengths.size(); ++i) {
    TestSequence sequence;
    for (int64_t t = 0; t < lengths[i]; ++t) sequence.tokens.push_back(token(rng));
    sequence.position_start = (i % 3 == 1) ? left_pad : 0;
    sequence.pool_index = lengths[i] - 1 - (i == 3 ? pool_early_by : 0);
    sequences.push_back(sequence);
  }
  return sequences;
}

// A model spec with the name a parameterized test case shows.
template <class Spec>
struct NamedSpec {
  std::string name;
  Spec spec;
};

inline std::vector<size_t> all_indices(size_t n) {
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  return order;
}

}  // namespace rb::testing

#pragma once
// Groups sequences into packed batches under a token budget. Torch-free.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace rb::runtime {

struct BatchLimits {
  int64_t max_tokens_per_batch = 16384;  // sum of sequence lengths in one packed batch
  int64_t max_sequences_per_batch = 64;
};

// Returns batches of indices into `lengths`. Longest first (ties by index), each batch filled
// greedily while both limits hold; a sequence longer than the token budget goes alone.
// Every index appears exactly once. Throws rb::InputError on non-positive limits or lengths.
std::vector<std::vector<size_t>> plan_batches(const std::vector<int64_t>& lengths, const BatchLimits& limits);

}  // namespace rb::runtime

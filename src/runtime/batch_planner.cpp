#include "runtime/batch_planner.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "common/error.h"

namespace rb::runtime {

std::vector<std::vector<size_t>> plan_batches(const std::vector<int64_t>& lengths, const BatchLimits& limits) {
  if (limits.max_tokens_per_batch <= 0 || limits.max_sequences_per_batch <= 0)
    throw InputError("batch limits must be positive (max_tokens_per_batch=" +
                     std::to_string(limits.max_tokens_per_batch) +
                     ", max_sequences_per_batch=" + std::to_string(limits.max_sequences_per_batch) + ")");
  for (size_t i = 0; i < lengths.size(); ++i)
    if (lengths[i] <= 0) throw InputError("sequence " + std::to_string(i) + " is empty");

  std::vector<size_t> order(lengths.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return lengths[a] > lengths[b]; });

  std::vector<std::vector<size_t>> batches;
  std::vector<size_t> current;
  int64_t current_tokens = 0;
  for (size_t index : order) {
    const bool fits = current_tokens + lengths[index] <= limits.max_tokens_per_batch &&
                      static_cast<int64_t>(current.size()) < limits.max_sequences_per_batch;
    if (!current.empty() && !fits) {
      batches.push_back(std::move(current));
      current.clear();
      current_tokens = 0;
    }
    current.push_back(index);
    current_tokens += lengths[index];
  }
  if (!current.empty()) batches.push_back(std::move(current));
  return batches;
}

}  // namespace rb::runtime

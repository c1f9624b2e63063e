#include "app/non_finite_scores.h"

#include <cmath>

#include "app/run_context.h"
#include "common/error.h"

namespace rb::app {

std::string NonFiniteScores::describe(size_t total_texts) const {
  std::string subsets;
  for (const auto& [subset, count] : per_subset)
    subsets += (subsets.empty() ? "" : ", ") + (subset.empty() ? std::string("no subset") : subset) + ": " +
               std::to_string(count);
  return std::to_string(texts) + " of " + std::to_string(total_texts) + " texts (" + subsets + "); the first is " +
         first_row + "'s";
}

NonFiniteScores find_non_finite(size_t count, const std::function<bool(size_t)>& finite, const RowOfText& row_of) {
  NonFiniteScores found;
  for (size_t i = 0; i < count; ++i) {
    if (finite(i)) continue;
    const auto [origin, subset] = row_of(i);
    if (found.texts++ == 0) found.first_row = origin;
    ++found.per_subset[subset];
  }
  return found;
}

NonFiniteScores find_non_finite(const std::vector<std::vector<float>>& scores, const RowOfText& row_of) {
  const auto finite = [&](size_t i) {
    for (float value : scores[i])
      if (!std::isfinite(value)) return false;
    return true;
  };
  return find_non_finite(scores.size(), finite, row_of);
}

void stop_or_accept_non_finite(const NonFiniteScores& found, size_t total_texts, bool allow, const RunContext& run) {
  if (found.texts == 0) return;
  if (allow) return run.log("accepted (--allow-nan): NaN or infinite scores for " + found.describe(total_texts));
  throw ModelError("the model scored NaN or infinity for " + found.describe(total_texts) +
                   ". The reference would count their pairs as lost without a word; pass --allow-nan to accept "
                   "that (run.json then records the count)");
}

}  // namespace rb::app

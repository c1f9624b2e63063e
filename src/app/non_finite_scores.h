#pragma once
// Reward scores that are NaN or infinite. The reference compares them like any float (NaN > x is
// false), so a pair with one silently counts as lost; here they are counted by subset and stop the
// run unless --allow-nan accepts the reference's reading (the score cache keeps the scores, so the
// rerun costs nothing).
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace rb::app {

class RunContext;

struct NonFiniteScores {
  size_t texts = 0;                          // texts with at least one NaN or infinite label
  std::map<std::string, size_t> per_subset;  // those texts by the subset of their row
  std::string first_row;                     // the first such text's row, "file:line"
  // "3 of 400 texts (chat: 2, math-prm: 1); the first is data.jsonl:7's"
  std::string describe(size_t total_texts) const;
};

// `row_of(i)`: the (origin, subset) of the row text i belongs to.
using RowOfText = std::function<std::pair<std::string, std::string>(size_t)>;
// Texts 0..count-1, `finite(i)` saying whether text i's scores are all finite.
NonFiniteScores find_non_finite(size_t count, const std::function<bool(size_t)>& finite, const RowOfText& row_of);
// A reward model's score rows (one row of labels per text).
NonFiniteScores find_non_finite(const std::vector<std::vector<float>>& scores, const RowOfText& row_of);

// Throws rb::ModelError saying how many, where, and how to accept them, unless `allow`; when
// allowed, logs what was accepted on `run`.
void stop_or_accept_non_finite(const NonFiniteScores& found, size_t total_texts, bool allow, const RunContext& run);

}  // namespace rb::app

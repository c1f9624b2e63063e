#pragma once
// Does the run reward length? Per run and per subset:
//   longer / not longer   accuracy (mean result) over the items whose chosen answer is strictly
//                         longer than the rejected one (v1), or where a correct completion is
//                         strictly the longest (v2), and over the rest
//   correlation           Pearson's r between the score margin (v1: chosen - rejected; v2: worst
//                         correct - best incorrect) and the length difference (v1: chosen -
//                         rejected; v2: mean correct - mean incorrect) over items with finite
//                         scores; null with fewer than 3 such items or no variance
// Lengths are in the unit stats.json states (characters or tokens of a named tokenizer).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "stats/stats_items.h"

namespace rb::stats {

struct LengthSplit {
  size_t items = 0;
  double accuracy = 0.0;  // NaN without items
};

struct LengthBias {
  LengthSplit chosen_longer, chosen_not_longer;
  std::optional<double> margin_length_correlation;
  size_t correlated_items = 0;
};

LengthBias length_bias(const std::vector<StatsItem>& items);
// The margin and length difference of one item as defined above, when both are known and finite.
std::optional<std::pair<double, double>> margin_and_length(const StatsItem& item);
std::optional<double> pearson(const std::vector<double>& x, const std::vector<double>& y);

// {"length_unit", "overall": {...}, "per_subset": {subset: {...}}}
Json length_bias_json(const std::vector<StatsItem>& items, const std::string& length_unit);

}  // namespace rb::stats

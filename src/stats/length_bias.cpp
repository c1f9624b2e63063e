#include "stats/length_bias.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace rb::stats {
namespace {

bool correct_is_longer(const StatsItem& item) {
  const auto correct = static_cast<size_t>(std::max<int64_t>(item.num_correct, 0));
  if (item.lengths.size() <= correct || correct == 0) return false;
  const double longest_correct = *std::max_element(item.lengths.begin(), item.lengths.begin() + correct);
  const double longest_incorrect = *std::max_element(item.lengths.begin() + correct, item.lengths.end());
  return longest_correct > longest_incorrect;
}

double mean(std::vector<double>::const_iterator begin, std::vector<double>::const_iterator end) {
  double sum = 0.0;
  for (auto it = begin; it != end; ++it) sum += *it;
  return sum / static_cast<double>(end - begin);
}

Json split_json(const LengthSplit& split) {
  return {{"items", split.items}, {"accuracy", std::isnan(split.accuracy) ? Json(nullptr) : Json(split.accuracy)}};
}

Json bias_json(const LengthBias& bias) {
  return {{"chosen_longer", split_json(bias.chosen_longer)},
          {"chosen_not_longer", split_json(bias.chosen_not_longer)},
          {"margin_length_correlation",
           bias.margin_length_correlation ? Json(*bias.margin_length_correlation) : Json(nullptr)},
          {"correlated_items", bias.correlated_items}};
}

}  // namespace

std::optional<std::pair<double, double>> margin_and_length(const StatsItem& item) {
  const auto correct = static_cast<size_t>(std::max<int64_t>(item.num_correct, 0));
  if (correct == 0 || item.scores.size() <= correct || item.lengths.size() != item.scores.size()) return std::nullopt;
  const double worst_correct = *std::min_element(item.scores.begin(), item.scores.begin() + correct);
  const double best_incorrect = *std::max_element(item.scores.begin() + correct, item.scores.end());
  const double margin = worst_correct - best_incorrect;
  if (!std::isfinite(margin)) return std::nullopt;
  const double length = mean(item.lengths.begin(), item.lengths.begin() + correct) -
                        mean(item.lengths.begin() + correct, item.lengths.end());
  return std::make_pair(margin, length);
}

std::optional<double> pearson(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size() || x.size() < 3) return std::nullopt;
  const double mx = mean(x.begin(), x.end()), my = mean(y.begin(), y.end());
  double sxy = 0.0, sxx = 0.0, syy = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  if (sxx <= 0.0 || syy <= 0.0) return std::nullopt;
  return sxy / std::sqrt(sxx * syy);
}

LengthBias length_bias(const std::vector<StatsItem>& items) {
  LengthBias bias;
  double longer_sum = 0.0, other_sum = 0.0;
  std::vector<double> margins, lengths;
  for (const auto& item : items) {
    if (item.lengths.empty()) continue;
    if (correct_is_longer(item)) {
      ++bias.chosen_longer.items;
      longer_sum += item.result;
    } else {
      ++bias.chosen_not_longer.items;
      other_sum += item.result;
    }
    if (const auto pair = margin_and_length(item)) {
      margins.push_back(pair->first);
      lengths.push_back(pair->second);
    }
  }
  auto accuracy = [](double sum, size_t n) { return n == 0 ? std::nan("") : sum / static_cast<double>(n); };
  bias.chosen_longer.accuracy = accuracy(longer_sum, bias.chosen_longer.items);
  bias.chosen_not_longer.accuracy = accuracy(other_sum, bias.chosen_not_longer.items);
  bias.margin_length_correlation = pearson(margins, lengths);
  bias.correlated_items = margins.size();
  return bias;
}

Json length_bias_json(const std::vector<StatsItem>& items, const std::string& length_unit) {
  std::map<std::string, std::vector<StatsItem>> by_subset;
  for (const auto& item : items) by_subset[item.subset].push_back(item);
  Json per_subset = Json::object();
  for (const auto& [name, subset_items] : by_subset) per_subset[name] = bias_json(length_bias(subset_items));
  return {{"length_unit", length_unit}, {"overall", bias_json(length_bias(items))}, {"per_subset", per_subset}};
}

}  // namespace rb::stats

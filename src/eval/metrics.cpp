#include "eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "eval/benchmarks.h"

namespace rb::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const SubsetAccuracy* find_subset(const std::vector<SubsetAccuracy>& accuracies, const std::string& name) {
  for (const auto& entry : accuracies) {
    if (entry.subset == name) return &entry;
  }
  return nullptr;
}

}  // namespace

bool chosen_beats_rejected(const std::vector<double>& chosen, const std::vector<double>& rejected) {
  size_t common = std::min(chosen.size(), rejected.size());
  for (size_t i = 0; i < common; ++i) {
    // Python skips equal elements with ==, so a NaN stops the scan and decides via >.
    if (!(chosen[i] == rejected[i])) return chosen[i] > rejected[i];
  }
  return chosen.size() > rejected.size();
}

int pair_result(const std::vector<double>& chosen, const std::vector<double>& rejected) {
  return chosen_beats_rejected(chosen, rejected) ? 1 : 0;
}

std::vector<SubsetAccuracy> accuracy_per_subset(const std::vector<ScoredExample>& examples) {
  std::map<std::string, SubsetAccuracy> by_name;  // std::string order is byte order, as np.unique
  for (const auto& example : examples) {
    SubsetAccuracy& entry = by_name[example.subset];
    entry.subset = example.subset;
    entry.num_correct += example.result;
    entry.num_total += 1;
  }
  std::vector<SubsetAccuracy> accuracies;
  for (auto& [name, entry] : by_name) {
    entry.accuracy = static_cast<double>(entry.num_correct) / static_cast<double>(entry.num_total);
    accuracies.push_back(entry);
  }
  return accuracies;
}

std::vector<SectionScore> calculate_scores_per_section(const std::vector<SubsetAccuracy>& accuracies) {
  std::vector<SectionScore> sections;
  for (const auto& section : subset_mapping()) {
    double weighted_sum = 0.0;
    double total_weight = 0.0;
    for (const auto& name : section.subsets) {
      const SubsetAccuracy* entry = find_subset(accuracies, name);
      if (entry == nullptr) continue;
      double weight = *subset_weight(name);
      weighted_sum += entry->accuracy * weight;
      total_weight += weight;
    }
    bool present = total_weight > 0;
    sections.push_back(SectionScore{section.name, present ? weighted_sum / total_weight : 0.0, present});
  }
  return sections;
}

double prior_sets_score(const std::vector<SubsetAccuracy>& accuracies) {
  double sum = 0.0;
  int count = 0;
  for (const auto& name : prior_set_subsets()) {
    const SubsetAccuracy* entry = find_subset(accuracies, name);
    if (entry == nullptr || std::isnan(entry->accuracy)) continue;
    sum += entry->accuracy;
    ++count;
  }
  return count == 0 ? kNaN : sum / count;
}

double overall_score(const std::vector<SectionScore>& sections, double prior_sets) {
  double weighted_sum = 0.0;
  double total_weight = 0.0;
  for (const auto& section : sections) {
    if (!section.has_subsets || std::isnan(section.score)) continue;
    weighted_sum += kSectionWeight * section.score;
    total_weight += kSectionWeight;
  }
  if (total_weight == 0.0) return kNaN;
  if (!std::isnan(prior_sets)) {
    weighted_sum += kPriorSetsWeight * prior_sets;
    total_weight += kPriorSetsWeight;
  }
  return weighted_sum / total_weight;
}

EvalSummary summarize_accuracies(std::vector<SubsetAccuracy> accuracies) {
  EvalSummary summary;
  for (const auto& entry : accuracies) {
    summary.num_examples += entry.num_total;
    summary.num_correct += entry.num_correct;
  }
  summary.accuracy = summary.num_examples == 0
                         ? kNaN
                         : static_cast<double>(summary.num_correct) / static_cast<double>(summary.num_examples);
  summary.sections = calculate_scores_per_section(accuracies);
  summary.prior_sets = prior_sets_score(accuracies);
  summary.overall = overall_score(summary.sections, summary.prior_sets);
  summary.subsets = std::move(accuracies);
  return summary;
}

EvalSummary summarize(const std::vector<ScoredExample>& examples) {
  return summarize_accuracies(accuracy_per_subset(examples));
}

}  // namespace rb::eval

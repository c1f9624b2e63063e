#include "stats/bootstrap.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "common/parallel_for.h"
#include "eval/benchmarks.h"
#include "eval/metrics.h"
#include "eval/v2_metrics.h"

namespace rb::stats {
namespace {

double mean_result(const std::vector<StatsItem>& items, const std::vector<size_t>& indices) {
  double sum = 0.0;  // in sample order: for the data as it is, row order, as the reference sums
  for (size_t i : indices) sum += items[i].result;
  return sum / static_cast<double>(indices.size());
}

double ties_value(const std::vector<StatsItem>& items, const SubsetSample& sample) {
  std::vector<eval::V2ScoredPrompt> prompts;
  prompts.reserve(sample.items.size());
  for (size_t k = 0; k < sample.items.size(); ++k) {
    const StatsItem& item = items[sample.items[k]];
    eval::V2ScoredPrompt prompt;
    prompt.subset = item.subset;
    prompt.id = item.id.is_string() ? item.id.get<std::string>() : item.id.dump();
    if (!sample.draw.empty()) prompt.id = prompt.id.substr(0, prompt.id.find(':')) + ":" + std::to_string(sample.draw[k]);
    prompt.scores = item.scores;
    prompt.num_correct = item.num_correct;
    prompt.result = item.result;
    prompts.push_back(std::move(prompt));
  }
  return eval::ties_score(prompts).score;
}

std::vector<std::vector<size_t>> groups_of(const std::vector<StatsItem>& items, const std::vector<size_t>& members) {
  std::vector<std::vector<size_t>> groups;
  std::map<std::string, size_t> index;
  for (size_t i : members) {
    auto [it, added] = index.emplace(items[i].group, groups.size());
    if (added) groups.emplace_back();
    groups[it->second].push_back(i);
  }
  return groups;
}

}  // namespace

const char* score_kind_name(ScoreKind kind) {
  switch (kind) {
    case ScoreKind::kSubset: return "subset";
    case ScoreKind::kSection: return "section";
    case ScoreKind::kPriorSets: return "prior_sets";
    case ScoreKind::kOverall: return "overall";
    case ScoreKind::kFinal: return "final";
  }
  return "?";
}

ScoreFormula::ScoreFormula(const std::vector<StatsItem>& items, Benchmark benchmark)
    : items_(items), benchmark_(benchmark) {
  std::map<std::string, std::vector<size_t>> by_subset;  // byte order, as np.unique
  for (size_t i = 0; i < items.size(); ++i) by_subset[items[i].subset].push_back(i);
  std::vector<Estimate> all;
  for (auto& [name, members] : by_subset) {
    subsets_.push_back(name);
    groups_.push_back(groups_of(items, members));
    Estimate estimate;
    estimate.name = name;
    estimate.items = members.size();
    estimate.groups = groups_.back().size();
    all.push_back(estimate);
    members_.push_back(std::move(members));
  }
  auto add = [&all](const std::string& name, ScoreKind kind, size_t items, size_t groups) {
    Estimate estimate;
    estimate.name = name;
    estimate.kind = kind;
    estimate.items = items;
    estimate.groups = groups;
    all.push_back(estimate);
  };
  // Items and groups behind a score made of the subsets `in`.
  auto count = [this](const std::vector<std::string>& in) {
    std::pair<size_t, size_t> totals{0, 0};
    for (size_t s = 0; s < subsets_.size(); ++s) {
      if (std::find(in.begin(), in.end(), subsets_[s]) == in.end()) continue;
      totals.first += members_[s].size();
      totals.second += groups_[s].size();
    }
    return totals;
  };
  if (benchmark_ == Benchmark::kV1) {
    std::vector<std::string> scored = eval::prior_set_subsets();
    for (const auto& section : eval::subset_mapping()) {
      const auto [section_items, section_groups] = count(section.subsets);
      add(section.name, ScoreKind::kSection, section_items, section_groups);
      scored.insert(scored.end(), section.subsets.begin(), section.subsets.end());
    }
    const auto [prior_items, prior_groups] = count(eval::prior_set_subsets());
    add(eval::kPriorSetsName, ScoreKind::kPriorSets, prior_items, prior_groups);
    const auto [scored_items, scored_groups] = count(scored);
    add("overall", ScoreKind::kOverall, scored_items, scored_groups);
  } else {
    const auto [final_items, final_groups] = count(eval::v2_subsets());
    add("final", ScoreKind::kFinal, final_items, final_groups);
  }
  std::vector<SubsetSample> as_is;
  for (const auto& members : members_) as_is.push_back({members, {}});
  const std::vector<double> point = all_values(as_is);
  for (size_t k = 0; k < all.size(); ++k) {
    if (std::isnan(point[k])) continue;
    all[k].value = point[k];
    reported_.push_back(k);
    estimates_.push_back(all[k]);
  }
}

// Subsets, then (v1) the four sections, Prior Sets and overall, or (v2) the final score.
std::vector<double> ScoreFormula::all_values(const std::vector<SubsetSample>& sample) const {
  std::vector<double> out;
  if (benchmark_ == Benchmark::kV1) {
    std::vector<eval::SubsetAccuracy> accuracies;
    for (size_t s = 0; s < subsets_.size(); ++s) {
      eval::SubsetAccuracy accuracy;
      accuracy.subset = subsets_[s];
      accuracy.num_total = static_cast<int64_t>(sample[s].items.size());
      accuracy.accuracy = mean_result(items_, sample[s].items);
      out.push_back(accuracy.accuracy);
      accuracies.push_back(accuracy);
    }
    const auto sections = eval::calculate_scores_per_section(accuracies);
    for (const auto& section : sections) out.push_back(section.has_subsets ? section.score : std::nan(""));
    const double prior = eval::prior_sets_score(accuracies);
    out.push_back(prior);
    out.push_back(eval::overall_score(sections, prior));
    return out;
  }
  std::vector<eval::V2SubsetScore> scores;
  for (size_t s = 0; s < subsets_.size(); ++s) {
    eval::V2SubsetScore score;
    score.subset = subsets_[s];
    score.score = eval::is_ties_subset(subsets_[s]) ? ties_value(items_, sample[s]) : mean_result(items_, sample[s].items);
    out.push_back(score.score);
    scores.push_back(score);
  }
  out.push_back(eval::v2_final_score(scores));
  return out;
}

std::vector<double> ScoreFormula::values(const std::vector<SubsetSample>& sample) const {
  const std::vector<double> all = all_values(sample);
  std::vector<double> out;
  out.reserve(reported_.size());
  for (size_t k : reported_) out.push_back(all[k]);
  return out;
}

std::vector<SubsetSample> draw_sample(const ScoreFormula& formula, Random& random) {
  std::vector<SubsetSample> sample(formula.subset_count());
  for (size_t s = 0; s < formula.subset_count(); ++s) {
    const auto& groups = formula.groups(s);
    SubsetSample& drawn = sample[s];
    drawn.items.reserve(formula.members(s).size());
    drawn.draw.reserve(formula.members(s).size());
    for (size_t d = 0; d < groups.size(); ++d) {
      for (size_t item : groups[random.below(groups.size())]) {
        drawn.items.push_back(item);
        drawn.draw.push_back(d);
      }
    }
  }
  return sample;
}

double percentile_sorted(const std::vector<double>& values, double q) {
  if (values.empty()) return std::nan("");
  const double position = q * static_cast<double>(values.size() - 1);
  const auto below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, values.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return values[below] + (values[above] - values[below]) * fraction;
}

double sample_sd(const std::vector<double>& values) {
  if (values.size() < 2) return 0.0;
  double mean = 0.0;
  for (double v : values) mean += v;
  mean /= static_cast<double>(values.size());
  double squares = 0.0;
  for (double v : values) squares += (v - mean) * (v - mean);
  return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

std::vector<Estimate> bootstrap_scores(const std::vector<StatsItem>& items, Benchmark benchmark,
                                       const BootstrapOptions& options) {
  const ScoreFormula formula(items, benchmark);
  std::vector<Estimate> estimates = formula.estimates();
  if (options.samples == 0) {  // point values only
    for (auto& e : estimates) e.se = e.low = e.high = std::nan("");
    return estimates;
  }
  std::vector<std::vector<double>> replicates(options.samples);
  parallel_for(options.samples, threads_for(options.samples, options.threads, 64), [&](size_t b) {
    Random random(options.seed, b);
    replicates[b] = formula.values(draw_sample(formula, random));
  });
  const double tail = (1.0 - options.confidence) / 2.0;
  for (size_t k = 0; k < estimates.size(); ++k) {
    std::vector<double> values;
    values.reserve(options.samples);
    for (const auto& replicate : replicates)
      if (!std::isnan(replicate[k])) values.push_back(replicate[k]);
    std::sort(values.begin(), values.end());
    estimates[k].se = sample_sd(values);
    estimates[k].low = percentile_sorted(values, tail);
    estimates[k].high = percentile_sorted(values, 1.0 - tail);
  }
  return estimates;
}

}  // namespace rb::stats

#pragma once
// Standard errors and confidence intervals of every reported score by the bootstrap:
//   - each replicate redraws, within every subset, as many groups as the subset has, with
//     replacement (a group = the items that share a prompt: stats_items.h), so subsets keep their
//     sizes and the sections and the overall score are recomputed from the redrawn subsets with
//     the reference's own formulas and weights (eval/metrics.h, eval/v2_metrics.h);
//   - the point value is the reference's number on the data as it is (it equals results.json);
//   - se = the replicates' standard deviation (n - 1), the interval = their percentiles
//     ((1 - confidence) / 2 and 1 - that, numpy's default linear interpolation).
// Replicate b draws from its own stream (seed, b): a seed gives the same numbers whatever the
// thread count.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "stats/random.h"
#include "stats/stats_items.h"

namespace rb::stats {

struct BootstrapOptions {
  size_t samples = 10000;
  uint64_t seed = 0;
  double confidence = 0.95;
  unsigned threads = 0;  // 0: every core
};

enum class ScoreKind { kSubset, kSection, kPriorSets, kOverall, kFinal };
const char* score_kind_name(ScoreKind kind);  // "subset", "section", "prior_sets", "overall", "final"

struct Estimate {
  std::string name;  // subset name, section name, "Prior Sets", "overall" (v1) or "final" (v2)
  ScoreKind kind = ScoreKind::kSubset;
  double value = 0.0;
  double se = 0.0;
  double low = 0.0;
  double high = 0.0;
  size_t items = 0;   // pairs (v1) or prompts (v2) behind the score
  size_t groups = 0;  // resampling units behind it
};

// The items of one subset in a sample, with the draw each came in (Ties renames its prompts per
// draw, so a prompt drawn twice counts as two prompts, as two distinct prompts would). `draw`
// empty: the data as it is, with the original ids.
struct SubsetSample {
  std::vector<size_t> items;
  std::vector<size_t> draw;
};

// The reported scores of a run and how each is computed from its items. Scores that are NaN on
// the data as it is (a section with no subset present, no prior sets, an overall or final score
// without all its parts) are not reported.
class ScoreFormula {
 public:
  ScoreFormula(const std::vector<StatsItem>& items, Benchmark benchmark);

  // Per subset (byte order, as np.unique): its item indices in item order, and its groups.
  size_t subset_count() const { return members_.size(); }
  const std::vector<size_t>& members(size_t subset) const { return members_[subset]; }
  const std::vector<std::vector<size_t>>& groups(size_t subset) const { return groups_[subset]; }

  // The reported scores of a sample (one SubsetSample per subset), in estimates() order.
  std::vector<double> values(const std::vector<SubsetSample>& sample) const;
  // Names, kinds, counts and point values (the scores of the data as it is: results.json's).
  const std::vector<Estimate>& estimates() const { return estimates_; }

 private:
  std::vector<double> all_values(const std::vector<SubsetSample>& sample) const;

  const std::vector<StatsItem>& items_;
  Benchmark benchmark_;
  std::vector<std::string> subsets_;
  std::vector<std::vector<size_t>> members_;
  std::vector<std::vector<std::vector<size_t>>> groups_;
  std::vector<size_t> reported_;  // positions in all_values() that are reported
  std::vector<Estimate> estimates_;
};

// A bootstrap sample: in every subset, as many groups as it has, drawn with replacement.
std::vector<SubsetSample> draw_sample(const ScoreFormula& formula, Random& random);

std::vector<Estimate> bootstrap_scores(const std::vector<StatsItem>& items, Benchmark benchmark,
                                       const BootstrapOptions& options);

// numpy.percentile(values, 100 * q) with linear interpolation; `values` sorted.
double percentile_sorted(const std::vector<double>& values, double q);
// Sample standard deviation (n - 1); 0 for fewer than two values.
double sample_sd(const std::vector<double>& values);

}  // namespace rb::stats

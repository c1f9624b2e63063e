// Bootstrap intervals: the point values are the reference's numbers, a seed fixes every number
// whatever the thread count, groups are redrawn whole, and the 95% intervals cover a known
// accuracy at about the nominal rate.
#include "stats/bootstrap.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "eval/benchmarks.h"
#include "eval/metrics.h"
#include "eval/v2_metrics.h"
#include "stats/random.h"

namespace {

using rb::stats::Benchmark;
using rb::stats::BootstrapOptions;
using rb::stats::Estimate;
using rb::stats::StatsItem;

StatsItem pair(const std::string& subset, int id, double result, const std::string& group = "") {
  StatsItem item;
  item.subset = subset;
  item.id = id;
  item.group = group.empty() ? std::to_string(id) : group;
  item.result = result;
  item.scores = {result, 0.5};
  item.lengths = {10, 20};
  return item;
}

// A v1 run over several core subsets with results drawn from `random`.
std::vector<StatsItem> v1_run(uint64_t seed) {
  rb::stats::Random random(seed);
  std::vector<StatsItem> items;
  int id = 0;
  for (const char* subset : {"alpacaeval-easy", "mt-bench-hard", "llmbar-natural", "refusals-dangerous",
                             "xstest-should-respond", "math-prm", "hep-python"}) {
    for (int i = 0; i < 23; ++i) items.push_back(pair(subset, id++, random.uniform() < 0.7 ? 1.0 : 0.0));
  }
  return items;
}

const Estimate& find(const std::vector<Estimate>& estimates, const std::string& name) {
  for (const auto& e : estimates)
    if (e.name == name) return e;
  throw std::runtime_error("no estimate " + name);
}

TEST(Bootstrap, PointValuesAreTheReferenceNumbers) {
  const auto items = v1_run(7);
  std::vector<rb::eval::ScoredExample> examples;
  for (const auto& item : items) {
    rb::eval::ScoredExample example;
    example.subset = item.subset;
    example.result = static_cast<int>(item.result);
    examples.push_back(example);
  }
  const auto summary = rb::eval::summarize(examples);
  BootstrapOptions options;
  options.samples = 200;
  const auto estimates = rb::stats::bootstrap_scores(items, Benchmark::kV1, options);
  for (const auto& subset : summary.subsets) EXPECT_EQ(find(estimates, subset.subset).value, subset.accuracy);
  for (const auto& section : summary.sections) EXPECT_EQ(find(estimates, section.section).value, section.score);
  EXPECT_EQ(find(estimates, "overall").value, summary.overall);
  for (const auto& e : estimates) {
    EXPECT_LE(e.low, e.value + 1e-12) << e.name;
    EXPECT_GE(e.high, e.value - 1e-12) << e.name;
    EXPECT_GT(e.se, 0.0) << e.name;
  }
  // No prior sets in this run: neither a Prior Sets score nor a NaN one.
  for (const auto& e : estimates) EXPECT_NE(e.name, "Prior Sets");
}

TEST(Bootstrap, SameSeedSameNumbersWhateverTheThreads) {
  const auto items = v1_run(3);
  BootstrapOptions one;
  one.samples = 500;
  one.seed = 11;
  one.threads = 1;
  BootstrapOptions two = one;
  two.threads = 2;
  const auto a = rb::stats::bootstrap_scores(items, Benchmark::kV1, one);
  const auto b = rb::stats::bootstrap_scores(items, Benchmark::kV1, two);
  ASSERT_EQ(a.size(), b.size());
  for (size_t k = 0; k < a.size(); ++k) {
    EXPECT_EQ(a[k].se, b[k].se);
    EXPECT_EQ(a[k].low, b[k].low);
    EXPECT_EQ(a[k].high, b[k].high);
  }
  BootstrapOptions other = one;
  other.seed = 12;
  const auto c = rb::stats::bootstrap_scores(items, Benchmark::kV1, other);
  EXPECT_NE(find(a, "overall").se, find(c, "overall").se);
}

TEST(Bootstrap, PairsThatShareAPromptAreDrawnTogether) {
  // Two prompts of ten pairs each, one all right and one all wrong: redrawing prompts can only give
  // 0, 1/2 or 1; redrawing pairs one by one would give many values in between.
  std::vector<StatsItem> items;
  for (int i = 0; i < 20; ++i) items.push_back(pair("alpacaeval-easy", i, i < 10 ? 1.0 : 0.0, i < 10 ? "a" : "b"));
  BootstrapOptions options;
  options.samples = 2000;
  const auto e = find(rb::stats::bootstrap_scores(items, Benchmark::kV1, options), "alpacaeval-easy");
  EXPECT_EQ(e.groups, 2u);
  EXPECT_EQ(e.items, 20u);
  EXPECT_EQ(e.low, 0.0);
  EXPECT_EQ(e.high, 1.0);
  EXPECT_NEAR(e.se, std::sqrt(0.125), 0.02);  // the mean of two fair draws: sd sqrt(1/8)
}

TEST(Bootstrap, IntervalsCoverAKnownAccuracyAtAboutTheNominalRate) {
  const double truth = 0.7;
  const int simulations = 400, pairs = 150;
  int covered = 0;
  for (int s = 0; s < simulations; ++s) {
    rb::stats::Random random(1000 + static_cast<uint64_t>(s));
    std::vector<StatsItem> items;
    for (int i = 0; i < pairs; ++i) items.push_back(pair("alpacaeval-easy", i, random.uniform() < truth ? 1.0 : 0.0));
    BootstrapOptions options;
    options.samples = 1000;
    options.seed = static_cast<uint64_t>(s);
    options.threads = 1;
    const auto e = find(rb::stats::bootstrap_scores(items, Benchmark::kV1, options), "alpacaeval-easy");
    covered += e.low <= truth && truth <= e.high;
  }
  const double rate = static_cast<double>(covered) / simulations;
  // 95% nominal; with 400 simulations the rate's own standard error is about 0.011.
  EXPECT_GT(rate, 0.91);
  EXPECT_LT(rate, 0.985);
  std::cout << "coverage of the 95% interval: " << rate << " over " << simulations << " simulated runs\n";
}

TEST(Bootstrap, RewardBench2PointsAndTies) {
  std::vector<StatsItem> items;
  std::vector<rb::eval::V2ScoredPrompt> prompts;
  rb::stats::Random random(5);
  auto add = [&](const std::string& subset, const std::string& id, std::vector<double> scores, int64_t correct) {
    rb::eval::V2ScoredPrompt prompt;
    prompt.subset = subset;
    prompt.id = id;
    prompt.scores = scores;
    prompt.num_correct = correct;
    prompt.result = rb::eval::best_of_n_result(scores);
    prompts.push_back(prompt);
    StatsItem item;
    item.subset = subset;
    item.id = id;
    item.group = rb::eval::is_ties_subset(subset) ? rb::stats::ties_group(id) : id;
    item.result = prompt.result;
    item.scores = scores;
    item.num_correct = correct;
    items.push_back(item);
  };
  int id = 0;
  for (const auto& subset : rb::eval::v2_subsets()) {
    if (rb::eval::is_ties_subset(subset)) {
      for (int n = 0; n < 12; ++n) {
        add(subset, "ref:" + std::to_string(n), {1.0 + random.uniform(), random.uniform(), random.uniform()}, 1);
        add(subset, "tied:" + std::to_string(n),
            {1.0 + random.uniform(), 1.0 + random.uniform(), random.uniform(), random.uniform()}, 2);
      }
      continue;
    }
    for (int n = 0; n < 15; ++n)
      add(subset, std::to_string(id++), {random.uniform(), random.uniform(), random.uniform(), random.uniform()}, 1);
  }
  const auto summary = rb::eval::summarize_v2(prompts);
  BootstrapOptions options;
  options.samples = 300;
  const auto estimates = rb::stats::bootstrap_scores(items, Benchmark::kV2, options);
  for (const auto& subset : summary.subsets) EXPECT_EQ(find(estimates, subset.subset).value, subset.score);
  EXPECT_EQ(find(estimates, "final").value, summary.final_score);
  const auto& ties = find(estimates, "Ties");
  EXPECT_EQ(ties.items, 24u);
  EXPECT_EQ(ties.groups, 12u);  // ref:n and tied:n drawn together
  EXPECT_GT(ties.se, 0.0);
  EXPECT_LE(ties.low, ties.high);
}

TEST(Bootstrap, PercentilesAsNumpy) {
  // numpy.percentile([1, 2, 3, 4], [2.5, 50, 97.5]) = [1.075, 2.5, 3.925]
  EXPECT_DOUBLE_EQ(rb::stats::percentile_sorted({1, 2, 3, 4}, 0.025), 1.075);
  EXPECT_DOUBLE_EQ(rb::stats::percentile_sorted({1, 2, 3, 4}, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(rb::stats::percentile_sorted({1, 2, 3, 4}, 0.975), 3.925);
  EXPECT_DOUBLE_EQ(rb::stats::sample_sd({1, 2, 3, 4}), std::sqrt(5.0 / 3.0));
}

}  // namespace

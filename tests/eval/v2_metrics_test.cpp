#include "eval/v2_metrics.h"

#include "eval/python_set_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <random>
#include <sstream>

#include "../report/python_runner.h"
#include "common/error.h"

namespace {

using rb::eval::best_of_n_result;
using rb::eval::V2ScoredPrompt;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

V2ScoredPrompt prompt(const std::string& id, const std::string& subset, std::vector<double> scores, int64_t num_correct) {
  V2ScoredPrompt p;
  p.id = id;
  p.subset = subset;
  p.num_correct = num_correct;
  p.result = best_of_n_result(scores);
  p.scores = std::move(scores);
  p.texts.assign(p.scores.size(), "t");
  return p;
}

TEST(BestOfN, StrictBestIsOneTopTieIsOneOverK) {
  EXPECT_EQ(best_of_n_result({3, 1, 2, 0}), 1.0);
  EXPECT_EQ(best_of_n_result({3, 3, 1, 0}), 0.5);
  EXPECT_EQ(best_of_n_result({3, 1, 3, 3}), 1.0 / 3.0);
  EXPECT_EQ(best_of_n_result({2, 2, 2, 2}), 0.25);
  EXPECT_EQ(best_of_n_result({2, 3, 1, 0}), 0.0);
  EXPECT_EQ(best_of_n_result({2, 2, 3}), 0.0);   // tied with another, but not at the top
  EXPECT_EQ(best_of_n_result({7}), 1.0);
  EXPECT_EQ(best_of_n_result({-0.0, 0.0}), 0.5);  // -0.0 == 0.0
}

TEST(BestOfN, AnyNanMakesTheMaxNanAndTheResultZero) {
  EXPECT_EQ(best_of_n_result({5, kNaN, 1}), 0.0);
  EXPECT_EQ(best_of_n_result({kNaN, 1}), 0.0);
  EXPECT_EQ(best_of_n_result({kInf, 1}), 1.0);
}

TEST(BestOfN, ScoredPromptChecksCountsAndWidensFloats) {
  rb::eval::V2Row row;
  row.origin = "r:3";
  row.id = "9";
  row.subset = "Focus";
  row.chosen = {"a"};
  row.rejected = {"b", "c"};
  row.num_correct = 1;
  row.total_completions = 3;
  auto scored = rb::eval::make_v2_scored_prompt(row, {"ta", "tb", "tc"}, std::vector<float>{0.1f, 0.1f, -2.0f});
  EXPECT_EQ(scored.scores[0], 0.10000000149011612);
  EXPECT_EQ(scored.result, 0.5);
  EXPECT_FALSE(scored.result_is_integer);
  EXPECT_EQ(scored.id, "9");
  EXPECT_EQ(scored.subset, "Focus");
  auto lost = rb::eval::make_v2_scored_prompt(row, {"ta", "tb", "tc"}, std::vector<double>{0.0, 1.0, 0.0});
  EXPECT_TRUE(lost.result_is_integer);
  EXPECT_THROW(rb::eval::make_v2_scored_prompt(row, {"ta", "tb"}, std::vector<double>{0.0, 1.0}), rb::Error);
}

TEST(TiesStats, PythonMaxMinMarginsAndNone) {
  auto one = rb::eval::ties_prompt_stats({5, 1, 2}, 1, "ref:1");
  EXPECT_FALSE(one.different_correct_margin.has_value());  // a single correct answer: None
  EXPECT_EQ(one.correct_incorrect_margin, 3.0);
  EXPECT_TRUE(one.accurate);
  auto equal = rb::eval::ties_prompt_stats({2, 2}, 1, "ref:2");
  EXPECT_FALSE(equal.accurate);  // strict >
  // Python's max()/min() skip a NaN that is not first ...
  auto later_nan = rb::eval::ties_prompt_stats({1, kNaN, 3, 0}, 3, "tied:1");
  EXPECT_EQ(*later_nan.different_correct_margin, 2.0);
  EXPECT_EQ(later_nan.correct_incorrect_margin, 1.0);
  EXPECT_TRUE(later_nan.accurate);
  // ... and keep one that is.
  auto first_nan = rb::eval::ties_prompt_stats({kNaN, 1, 3, 0}, 3, "tied:2");
  EXPECT_TRUE(std::isnan(*first_nan.different_correct_margin));
  EXPECT_TRUE(std::isnan(first_nan.correct_incorrect_margin));
  EXPECT_FALSE(first_nan.accurate);
  EXPECT_THROW(rb::eval::ties_prompt_stats({1, 2}, 0, "ref:3"), rb::InputError);
  EXPECT_THROW(rb::eval::ties_prompt_stats({1, 2}, 2, "ref:3"), rb::InputError);
}

// Two prompts, both paired:
//   ref:1 [5 | 1 2]    cir = 3, accurate        tied:1 [4 3 | 1 2]  d = 1, cit = 1, accurate
//   ref:2 [1 | 2 0]    cir = -1, not accurate   tied:2 [6 5 | 1]    d = 1, cit = 4, accurate
//   preferred: 1 > 1 no, 4 > 1 yes -> 0.5; hard: min(3,1)=1 > 1 no, min(-1,4)=-1 > 1 no -> 0
//   margins: tanh(1/1 - 1) = 0, tanh(-1/1 - 1) = tanh(-2)
TEST(TiesScore, FullCompositeByHand) {
  std::vector<V2ScoredPrompt> rows = {prompt("ref:1", "Ties", {5, 1, 2}, 1), prompt("tied:1", "Ties", {4, 3, 1, 2}, 2),
                                      prompt("ref:2", "Ties", {1, 2, 0}, 1), prompt("tied:2", "Ties", {6, 5, 1}, 2)};
  auto ties = rb::eval::ties_score(rows);
  EXPECT_EQ(ties.ref_accuracy, 0.5);
  EXPECT_EQ(ties.tied_accuracy, 1.0);
  EXPECT_EQ(ties.correctness_preferred, 0.5);
  EXPECT_EQ(ties.correctness_preferred_hard, 0.0);
  EXPECT_EQ(ties.margin_score, std::tanh(-2.0) / 2.0);
  EXPECT_EQ(ties.paired_prompts, 2u);
  EXPECT_EQ(ties.score, 0.30 * 1.0 + 0.30 * 0.5 + 0.20 * 0.5 + 0.20 * 0.0 + 0.01 * (std::tanh(-2.0) / 2.0));
}

TEST(TiesScore, OnlyRefOrOnlyTiedLeavesThePairTermsNan) {
  auto only_ref = rb::eval::ties_score({prompt("ref:1", "Ties", {5, 1}, 1), prompt("ref:2", "Ties", {0, 1}, 1)});
  EXPECT_EQ(only_ref.ref_accuracy, 0.5);
  EXPECT_EQ(only_ref.tied_accuracy, 0.0);  // none: 0.0, not NaN
  EXPECT_EQ(only_ref.ref_prompts, 2u);
  EXPECT_EQ(only_ref.paired_prompts, 0u);
  EXPECT_TRUE(std::isnan(only_ref.correctness_preferred));
  EXPECT_TRUE(std::isnan(only_ref.margin_score));
  EXPECT_TRUE(std::isnan(only_ref.score));
  // A tied prompt with one correct answer is fine while it has no ref partner.
  auto only_tied = rb::eval::ties_score({prompt("tied:1", "Ties", {3, 2, 1}, 2), prompt("tied:2", "Ties", {5, 1}, 1)});
  EXPECT_EQ(only_tied.tied_accuracy, 1.0);
  EXPECT_EQ(only_tied.ref_accuracy, 0.0);
  EXPECT_TRUE(std::isnan(only_tied.score));
}

TEST(TiesScore, ZeroCorrectMarginGivesInfinitiesAndZeroOverZero) {
  // d = 0, numerator min(4, 1) = 1 > 0: 1/0 = inf, tanh(inf) = 1; both preferred terms true.
  auto positive = rb::eval::ties_score({prompt("tied:3", "Ties", {2, 2, 1}, 2), prompt("ref:3", "Ties", {4, 0}, 1)});
  EXPECT_EQ(positive.margin_score, 1.0);
  EXPECT_EQ(positive.score, 0.30 * 1.0 + 0.30 * 1.0 + 0.20 * 1.0 + 0.20 * 1.0 + 0.01 * 1.0);
  // d = 0, numerator min(3, -2) = -2: -inf, tanh = -1; tied not accurate.
  auto negative = rb::eval::ties_score({prompt("tied:4", "Ties", {1, 1, 3}, 2), prompt("ref:4", "Ties", {3, 0}, 1)});
  EXPECT_EQ(negative.margin_score, -1.0);
  EXPECT_EQ(negative.correctness_preferred, 0.0);
  EXPECT_EQ(negative.score, 0.30 * 0.0 + 0.30 * 1.0 + 0.20 * 0.0 + 0.20 * 0.0 + 0.01 * -1.0);
  // d = 0, numerator min(2, 0) = 0: 0/0 = NaN -> nan_to_num -> 0.
  auto zero = rb::eval::ties_score({prompt("tied:5", "Ties", {1, 1, 1}, 2), prompt("ref:5", "Ties", {2, 0}, 1)});
  EXPECT_EQ(zero.margin_score, 0.0);
  EXPECT_EQ(zero.correctness_preferred, 0.0);
  EXPECT_EQ(zero.correctness_preferred_hard, 0.0);
  EXPECT_EQ(zero.score, 0.30 * 1.0);
}

TEST(TiesScore, NanMarginsCountZeroAndFailComparisons) {
  // ref:6's only correct score is NaN: cir = NaN, np.minimum(NaN, 2) = NaN, tanh(NaN) -> 0.
  auto ties = rb::eval::ties_score({prompt("ref:6", "Ties", {kNaN, 1}, 1), prompt("tied:6", "Ties", {3, 2, 0}, 2)});
  EXPECT_EQ(ties.ref_accuracy, 0.0);
  EXPECT_EQ(ties.tied_accuracy, 1.0);
  EXPECT_EQ(ties.correctness_preferred, 1.0);  // cit 2 > d 1
  EXPECT_EQ(ties.correctness_preferred_hard, 0.0);
  EXPECT_EQ(ties.margin_score, 0.0);
  EXPECT_EQ(ties.score, 0.30 * 1.0 + 0.30 * 0.0 + 0.20 * 1.0);
}

TEST(TiesScore, PairedTiedPromptWithOneCorrectAnswerIsAnError) {
  try {
    rb::eval::ties_score({prompt("ref:7", "Ties", {5, 1}, 1), prompt("tied:7", "Ties", {5, 1}, 1)});
    FAIL() << "expected rb::InputError";
  } catch (const rb::InputError& error) {
    EXPECT_NE(std::string(error.what()).find("Ties prompt 7"), std::string::npos) << error.what();
  }
}

TEST(TiesScore, IdsAreTypeColonPythonIntAndNonRefTypesCountAsTied) {
  // "x:1" is a tied prompt for the reference (anything but "ref"); " 1" and "+1" are int("1").
  auto ties = rb::eval::ties_score({prompt("ref: 1", "Ties", {5, 1}, 1), prompt("x:+1", "Ties", {4, 3, 1}, 2)});
  EXPECT_EQ(ties.paired_prompts, 1u);
  EXPECT_EQ(ties.tied_prompts, 1u);
  for (const char* bad : {"ref1", "ref:x", "a:b:c", "ref:", "ref:1_", "ref:1__0"}) {
    EXPECT_THROW(rb::eval::ties_score({prompt(bad, "Ties", {5, 1}, 1)}), rb::InputError) << bad;
  }
  EXPECT_NO_THROW(rb::eval::ties_score({prompt("ref:1_0", "Ties", {5, 1}, 1)}));
}

TEST(TiesScore, RowsWithTheSameIdMerge) {
  // Two "tied:1" rows: correct {4, 3} and {2}, incorrect {1} and {0}: d = 4 - 2 = 2, cit = 2 - 1 = 1.
  auto ties = rb::eval::ties_score({prompt("tied:1", "Ties", {4, 3, 1}, 2), prompt("tied:1", "Ties", {2, 0}, 1),
                                    prompt("ref:1", "Ties", {9, 0}, 1)});
  EXPECT_EQ(ties.tied_prompts, 1u);
  EXPECT_EQ(ties.correctness_preferred, 0.0);  // 1 > 2 is false
  EXPECT_EQ(ties.margin_score, std::tanh(1.0 / 2.0 - 1.0));
}

TEST(NumpySum, PairwiseBlocksOfEight) {
  // Below 8 terms: left to right. 1e16 + 1 + 1 loses both ones that way.
  EXPECT_EQ(rb::eval::numpy_pairwise_sum({1e16, 1, 1}), 1e16);
  // 8 to 128 terms: eight running sums, combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)).
  std::vector<double> values = {1e16, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  double r0 = 1e16 + 1, r1 = 1 + 1;
  EXPECT_EQ(rb::eval::numpy_pairwise_sum(values), ((r0 + r1) + (1.0 + 1.0)) + ((1.0 + 1.0) + (1.0 + 1.0)));
  EXPECT_EQ(rb::eval::numpy_pairwise_sum({}), 0.0);
}

bool numpy_available() { return std::system("python3 -c 'import numpy' >/dev/null 2>&1") == 0; }

std::vector<double> random_values(std::mt19937_64& random, size_t n) {
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  std::vector<double> values;
  for (size_t i = 0; i < n; ++i) values.push_back(uniform(random) * std::pow(10.0, static_cast<int>(i % 9)));
  return values;
}

// Differential check against numpy's own float64 sum (the reference's np.mean numerator).
TEST(NumpySum, MatchesNumpyWhenAvailable) {
  if (!numpy_available()) GTEST_SKIP() << "python3 with numpy not available";
  const std::vector<size_t> sizes = {5, 8, 13, 100, 128, 129, 300, 1000};
  std::mt19937_64 random(7);
  std::vector<std::vector<double>> inputs;
  std::ostringstream script;
  script << "import numpy\n";
  for (size_t n : sizes) {
    inputs.push_back(random_values(random, n));
    script << "print(repr(float(numpy.array([";
    for (double value : inputs.back()) {
      char text[40];
      std::snprintf(text, sizeof text, "%.17g,", value);
      script << text;
    }
    script << "]).sum())))\n";
  }
  auto output = rb_test::run_python(script.str());
  ASSERT_TRUE(output.has_value());
  std::istringstream lines(*output);
  for (size_t i = 0; i < sizes.size(); ++i) {
    std::string line;
    std::getline(lines, line);
    EXPECT_EQ(rb::eval::numpy_pairwise_sum(inputs[i]), std::stod(line)) << "n = " << sizes[i];
  }
}

TEST(V2Summary, SubsetMeansTiesCompositeAndFinalMean) {
  std::vector<V2ScoredPrompt> rows = {
      prompt("1", "Factuality", {2, 2, 1, 0}, 1),     // 1/2
      prompt("2", "Factuality", {3, 3, 3, 0}, 1),     // 1/3
      prompt("3", "Precise IF", {0, 1, 0, 0}, 1),     // 0
      prompt("4", "Math", {5, 1, 1, 1}, 1),           // 1
      prompt("5", "Safety", {1, 1, 1, 1}, 1),         // 1/4
      prompt("6", "Focus", {2, 1, 0, 0}, 1),          // 1
      prompt("7", "Focus", {0, 1, 0, 0}, 1),          // 0
      prompt("tied:3", "Ties", {2, 2, 1}, 2),         // Ties composite 1.01 (see above)
      prompt("ref:3", "Ties", {4, 0}, 1),
  };
  auto summary = rb::eval::summarize_v2(rows);
  ASSERT_EQ(summary.subsets.size(), 6u);
  // np.unique order: byte order.
  EXPECT_EQ(summary.subsets[0].subset, "Factuality");
  EXPECT_EQ(summary.subsets[1].subset, "Focus");
  EXPECT_EQ(summary.subsets[2].subset, "Math");
  EXPECT_EQ(summary.subsets[3].subset, "Precise IF");
  EXPECT_EQ(summary.subsets[4].subset, "Safety");
  EXPECT_EQ(summary.subsets[5].subset, "Ties");
  double factuality = (0.5 + 1.0 / 3.0) / 2.0;
  EXPECT_EQ(summary.subsets[0].score, factuality);
  EXPECT_EQ(summary.subsets[0].results_sum, 0.5 + 1.0 / 3.0);
  EXPECT_EQ(summary.subsets[1].score, 0.5);
  EXPECT_EQ(summary.subsets[4].score, 0.25);
  double ties = 0.30 * 1.0 + 0.30 * 1.0 + 0.20 * 1.0 + 0.20 * 1.0 + 0.01 * 1.0;
  EXPECT_TRUE(summary.subsets[5].composite);
  EXPECT_EQ(summary.subsets[5].score, ties);
  EXPECT_EQ(summary.subsets[5].results_sum, 0.5 + 1.0);  // best-of-N values of the Ties rows
  ASSERT_TRUE(summary.ties.has_value());
  // Paper order: Factuality, Precise IF, Math, Safety, Focus, Ties.
  EXPECT_EQ(summary.final_score, (((((factuality + 0.0) + 1.0) + 0.25) + 0.5) + ties) / 6.0);

  rows.pop_back();
  rows.pop_back();  // no Ties: no final score
  EXPECT_TRUE(std::isnan(rb::eval::summarize_v2(rows).final_score));
}

}  // namespace

namespace {

TEST(PythonSetOrder, SmallIdsComeOutAscendingOthersDoNot) {
  EXPECT_EQ(rb::eval::python_set_intersection_order({3, 1, 2}, {2, 3, 9}), (std::vector<int64_t>{2, 3}));
  // 8 slots: 9 takes slot 1, so 1 (hash 1) jumps to slot (1 * 5 + 1) & 7 = 6; the walked right set
  // yields 9 first and the result keeps that.
  EXPECT_EQ(rb::eval::python_set_intersection_order({1, 9}, {9, 1}), (std::vector<int64_t>{9, 1}));
  EXPECT_EQ(rb::eval::python_set_intersection_order({}, {1}), std::vector<int64_t>{});
}

// Differential check against the interpreter for assorted id sets (negative, large, colliding).
TEST(PythonSetOrder, MatchesCPython) {
  std::mt19937_64 random(11);
  std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>> cases;
  std::ostringstream script;
  for (int c = 0; c < 60; ++c) {
    std::uniform_int_distribution<int64_t> id(c % 3 == 0 ? -50 : 0, c % 2 ? 400 : 40);
    auto draw = [&](size_t n) {
      std::vector<int64_t> keys;
      while (keys.size() < n) {
        int64_t key = c == 59 ? (int64_t{1} << 62) + id(random) : id(random);
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
      }
      return keys;
    };
    std::uniform_int_distribution<size_t> size(0, c % 2 ? 120 : 30);
    cases.emplace_back(draw(std::min<size_t>(size(random), 40)), draw(std::min<size_t>(size(random), 40)));
    auto list = [](const std::vector<int64_t>& keys) {
      std::string text = "[";
      for (int64_t key : keys) text += std::to_string(key) + ",";
      return text + "]";
    };
    script << "print(' '.join(str(k) for k in set(dict.fromkeys(" << list(cases.back().first) << ")) & set(dict.fromkeys("
           << list(cases.back().second) << "))))\n";
  }
  auto output = rb_test::run_python(script.str());
  if (!output) GTEST_SKIP() << "python3 not available";
  std::istringstream lines(*output);
  for (const auto& [left, right] : cases) {
    std::string line;
    std::getline(lines, line);
    std::string ours;
    for (int64_t key : rb::eval::python_set_intersection_order(left, right)) ours += (ours.empty() ? "" : " ") + std::to_string(key);
    EXPECT_EQ(ours, line);
  }
}

}  // namespace

namespace {

TEST(Reroll, RegroupsFlatScoresPerPrompt) {
  auto row = [](const std::string& id, std::vector<std::string> chosen, std::vector<std::string> rejected) {
    rb::eval::V2Row r;
    r.origin = "r:" + id;
    r.id = id;
    r.subset = "Focus";
    r.chosen = std::move(chosen);
    r.rejected = std::move(rejected);
    r.num_correct = static_cast<int64_t>(r.chosen.size());
    r.total_completions = static_cast<int64_t>(r.completion_count());
    return r;
  };
  std::vector<rb::eval::V2Row> rows = {row("a", {"x"}, {"y", "z"}), row("b", {"u", "v"}, {"w"})};
  auto prompts = rb::eval::reroll_v2(rows, {"tx", "ty", "tz", "tu", "tv", "tw"}, {1, 0, 1, 2, 3, 0});
  ASSERT_EQ(prompts.size(), 2u);
  EXPECT_EQ(prompts[0].texts, (std::vector<std::string>{"tx", "ty", "tz"}));
  EXPECT_EQ(prompts[0].result, 0.5);
  EXPECT_EQ(prompts[1].scores, (std::vector<double>{2, 3, 0}));
  EXPECT_EQ(prompts[1].result, 0.0);
  EXPECT_EQ(prompts[1].num_correct, 2);
  EXPECT_THROW(rb::eval::reroll_v2(rows, {"t"}, {1}), rb::Error);
}

}  // namespace

// stats.json: written and read back to the same numbers and items; bad files are refused with
// the file and the field named; the length-bias split and correlation on a hand-made run.
#include "stats/stats_file.h"

#include <gtest/gtest.h>

#include <cmath>

#include "common/error.h"
#include "stats/length_bias.h"

namespace {

using rb::stats::Benchmark;
using rb::stats::StatsItem;

std::vector<StatsItem> hand_made() {
  // chosen longer on ids 0-2 (all right), not longer on 3-5 (one right); margins rise with length.
  std::vector<StatsItem> items;
  const double chosen_len[] = {30, 40, 50, 10, 10, 20};
  const double results[] = {1, 1, 1, 0, 0, 1};
  const double margins[] = {2.0, 3.0, 4.0, -1.0, -1.5, 0.5};
  for (int i = 0; i < 6; ++i) {
    StatsItem item;
    item.subset = i < 3 ? "alpacaeval-easy" : "alpacaeval-hard";
    item.id = i;
    item.group = "p" + std::to_string(i);
    item.result = results[i];
    item.scores = {margins[i], 0.0};
    item.lengths = {chosen_len[i], 20};
    items.push_back(item);
  }
  return items;
}

TEST(LengthBias, SplitAndCorrelation) {
  const auto bias = rb::stats::length_bias(hand_made());
  EXPECT_EQ(bias.chosen_longer.items, 3u);
  EXPECT_DOUBLE_EQ(bias.chosen_longer.accuracy, 1.0);
  EXPECT_EQ(bias.chosen_not_longer.items, 3u);  // 10, 10 and 20 (a tie is not longer)
  EXPECT_DOUBLE_EQ(bias.chosen_not_longer.accuracy, 1.0 / 3.0);
  ASSERT_TRUE(bias.margin_length_correlation);
  // Pearson of margins {2,3,4,-1,-1.5,0.5} with length differences {10,20,30,-10,-10,0}, by hand:
  const std::vector<double> x = {2, 3, 4, -1, -1.5, 0.5}, y = {10, 20, 30, -10, -10, 0};
  double mx = 0, my = 0;
  for (int i = 0; i < 6; ++i) mx += x[i] / 6, my += y[i] / 6;
  double sxy = 0, sxx = 0, syy = 0;
  for (int i = 0; i < 6; ++i) sxy += (x[i] - mx) * (y[i] - my), sxx += (x[i] - mx) * (x[i] - mx), syy += (y[i] - my) * (y[i] - my);
  EXPECT_NEAR(*bias.margin_length_correlation, sxy / std::sqrt(sxx * syy), 1e-12);
  EXPECT_EQ(bias.correlated_items, 6u);
}

TEST(StatsFile, RoundTrip) {
  rb::stats::BootstrapOptions options;
  options.samples = 100;
  options.seed = 4;
  const auto stats = rb::stats::compute_run_stats("model-x", Benchmark::kV1, hand_made(), options, "characters");
  const std::string text = rb::stats::format_stats_json(stats);
  const auto back = rb::stats::parse_stats_json(text, "run/stats.json");
  EXPECT_EQ(back.model, "model-x");
  EXPECT_EQ(back.benchmark, Benchmark::kV1);
  EXPECT_EQ(back.bootstrap.samples, 100u);
  EXPECT_EQ(back.bootstrap.seed, 4u);
  ASSERT_EQ(back.estimates.size(), stats.estimates.size());
  for (size_t k = 0; k < stats.estimates.size(); ++k) {
    EXPECT_EQ(back.estimates[k].name, stats.estimates[k].name);
    EXPECT_EQ(back.estimates[k].value, stats.estimates[k].value);
    EXPECT_EQ(back.estimates[k].low, stats.estimates[k].low);
    EXPECT_EQ(back.estimates[k].high, stats.estimates[k].high);
  }
  ASSERT_EQ(back.items.size(), 6u);
  EXPECT_EQ(back.items[4].key(), stats.items[4].key());
  EXPECT_EQ(back.items[4].lengths, stats.items[4].lengths);
  EXPECT_EQ(back.bias["overall"]["chosen_longer"]["items"], 3);
  EXPECT_EQ(rb::stats::format_stats_json(back), text);  // nothing lost on the way
}

TEST(StatsFile, BadFilesNameTheFileAndField) {
  auto message = [](const std::string& text) {
    try {
      rb::stats::parse_stats_json(text, "runs/a/stats.json");
    } catch (const rb::InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("{").find("runs/a/stats.json: not valid JSON"), std::string::npos);
  EXPECT_NE(message(R"({"format": "other"})").find("not a rewardbench stats.json"), std::string::npos);
  EXPECT_NE(message(R"({"format": "rewardbench-stats", "version": 2})").find("version 2"), std::string::npos);
  const std::string items_bad =
      R"({"format": "rewardbench-stats", "version": 1, "model": "m", "benchmark": "v1", "scores": [],
          "items": [{"subset": "s", "id": 1, "group": "g", "result": "yes"}]})";
  EXPECT_NE(message(items_bad).find("runs/a/stats.json: items[0]: field \"result\" is not a number"),
            std::string::npos)
      << message(items_bad);
  EXPECT_NE(message(R"({"format": "rewardbench-stats", "version": 1, "model": "m", "benchmark": "v3"})")
                .find("benchmark \"v3\""),
            std::string::npos);
}

}  // namespace

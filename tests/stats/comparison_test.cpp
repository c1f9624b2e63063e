// compare: McNemar on v1 pairs (discordant counts per subset, section and overall), a paired
// bootstrap where results are not 0/1, Holm over the family, and refusals of runs that differ.
#include "stats/comparison.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "stats/paired_tests.h"
#include "stats/random.h"

namespace {

using rb::stats::Benchmark;
using rb::stats::RunStats;
using rb::stats::StatsItem;

RunStats run(const std::string& model, const std::vector<std::pair<std::string, double>>& results) {
  RunStats stats;
  stats.source = model + "/stats.json";
  stats.model = model;
  for (size_t i = 0; i < results.size(); ++i) {
    StatsItem item;
    item.subset = results[i].first;
    item.id = static_cast<int>(i);
    item.group = std::to_string(i);
    item.result = results[i].second;
    stats.items.push_back(item);
  }
  return stats;
}

const rb::stats::ComparisonRow& row(const rb::stats::Comparison& c, const std::string& name) {
  for (const auto& r : c.rows)
    if (r.name == name) return r;
  throw std::runtime_error("no row " + name);
}

TEST(Compare, McNemarPerSubsetSectionAndOverall) {
  // alpacaeval-easy (Chat): A right on 6 that B misses, B on 1 that A misses; hep-python
  // (Reasoning): identical results.
  std::vector<std::pair<std::string, double>> a, b;
  for (int i = 0; i < 10; ++i) {
    a.push_back({"alpacaeval-easy", i < 8 ? 1.0 : 0.0});
    b.push_back({"alpacaeval-easy", (i < 2 || i == 9) ? 1.0 : 0.0});
  }
  for (int i = 0; i < 5; ++i) {
    a.push_back({"hep-python", i % 2 ? 1.0 : 0.0});
    b.push_back({"hep-python", i % 2 ? 1.0 : 0.0});
  }
  rb::stats::BootstrapOptions options;
  const auto c = rb::stats::compare_runs({run("A", a), run("B", b)}, options);
  const auto& easy = row(c, "alpacaeval-easy");
  EXPECT_EQ(easy.test, "mcnemar-exact");
  EXPECT_EQ(easy.only_a, 6u);
  EXPECT_EQ(easy.only_b, 1u);
  EXPECT_DOUBLE_EQ(easy.p, rb::stats::mcnemar_exact_p(6, 1));
  EXPECT_DOUBLE_EQ(easy.score_a, 0.8);
  EXPECT_DOUBLE_EQ(easy.score_b, 0.3);
  const auto& python = row(c, "hep-python");
  EXPECT_EQ(python.only_a + python.only_b, 0u);
  EXPECT_EQ(python.p, 1.0);
  const auto& chat = row(c, "Chat");
  EXPECT_EQ(chat.only_a, 6u);  // the section pools its subsets' pairs
  const auto& overall = row(c, "overall");
  EXPECT_EQ(overall.only_a, 6u);
  EXPECT_EQ(overall.only_b, 1u);
  EXPECT_EQ(overall.items, 15u);
  // Holm over the whole family: every row's adjusted p is at least its raw p.
  for (const auto& r : c.rows) EXPECT_GE(r.p_holm, r.p);
  EXPECT_DOUBLE_EQ(easy.p_holm, std::min(1.0, static_cast<double>(c.rows.size()) * easy.p));
}

TEST(Compare, RunsOverDifferentItemsAreRefusedNamingTheIds) {
  auto a = run("A", {{"alpacaeval-easy", 1}, {"alpacaeval-easy", 0}, {"alpacaeval-easy", 1}});
  auto b = run("B", {{"alpacaeval-easy", 1}, {"alpacaeval-easy", 0}});
  b.items.push_back(a.items[0]);
  b.items.back().id = 7;
  try {
    rb::stats::compare_runs({a, b}, {});
    FAIL() << "no error";
  } catch (const rb::InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("do not cover the same items"), std::string::npos) << message;
    EXPECT_NE(message.find("alpacaeval-easy id 2"), std::string::npos) << message;
    EXPECT_NE(message.find("alpacaeval-easy id 7"), std::string::npos) << message;
  }
  EXPECT_THROW(rb::stats::compare_runs({a}, {}), rb::InputError);
}

TEST(Compare, ResultsThatAreNotZeroOrOneUseThePairedBootstrap) {
  // A judge with ties (0.5): a paired bootstrap. B equals A: the difference is 0, p = 1.
  std::vector<std::pair<std::string, double>> a;
  rb::stats::Random random(9);
  for (int i = 0; i < 40; ++i) a.push_back({"alpacaeval-hard", random.below(3) * 0.5});
  rb::stats::BootstrapOptions options;
  options.samples = 400;
  const auto same = rb::stats::compare_runs({run("A", a), run("B", a)}, options);
  EXPECT_EQ(row(same, "alpacaeval-hard").test, "paired-bootstrap");
  EXPECT_EQ(row(same, "alpacaeval-hard").p, 1.0);
  // B much worse: A's mean is about 0.5, B's is 0.
  std::vector<std::pair<std::string, double>> zero = a;
  for (auto& entry : zero) entry.second = 0.0;
  const auto apart = rb::stats::compare_runs({run("A", a), run("B", zero)}, options);
  EXPECT_LT(row(apart, "alpacaeval-hard").p, 0.01);
  EXPECT_DOUBLE_EQ(row(apart, "alpacaeval-hard").p, 1.0 / 401.0);
}

}  // namespace

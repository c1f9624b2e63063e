// The statistics as users get them: stats.json beside every eval (its scores are results.json's,
// its bytes fixed by the seed), `baseline` rules on data whose answer lengths are known,
// `compare` between a model and a baseline (and its refusal of runs over other items), and
// `leaderboard --ci`.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "../support/test_support.h"
#include "app/baseline_run.h"
#include "app/compare_run.h"
#include "app/demo_assets.h"
#include "app/eval_run.h"
#include "common/error.h"
#include "common/sha256.h"
#include "report/leaderboard.h"
#include "report/leaderboard_command.h"

namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using rb::testing::read_file;

json read_json(const fs::path& path) { return json::parse(read_file(path.string())); }

std::vector<json> read_jsonl(const fs::path& path) {
  std::vector<json> rows;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) rows.push_back(json::parse(line));
  return rows;
}

void write_jsonl(const fs::path& path, const std::vector<json>& rows) {
  std::ofstream out(path);
  for (const auto& row : rows) out << row.dump() << "\n";
}

class StatsCommandsTest : public rb::testing::ScratchDirTest {
 protected:
  void SetUp() override {
    ScratchDirTest::SetUp();
    rb::app::write_demo_assets(dir_.string(), 1234);
  }

  std::string eval(const std::string& name, size_t seed = 0) {
    rb::app::EvalOptions options;
    options.model = (dir_ / "model").string();
    options.dataset = (dir_ / "preference_pairs.jsonl").string();
    options.output_dir = (dir_ / name).string();
    options.quiet = true;
    options.threads = 1;
    options.no_cache = true;
    options.bootstrap_samples = 2000;
    options.bootstrap_seed = seed;
    EXPECT_EQ(rb::app::run_eval(options), 0);
    return options.output_dir;
  }

  std::string baseline(const std::string& rule, const std::string& dataset, const std::string& name,
                       std::optional<size_t> limit = std::nullopt) {
    rb::app::BaselineOptions options;
    options.dataset = dataset;
    options.rule = rule;
    options.output_dir = (dir_ / name).string();
    options.quiet = true;
    options.limit = limit;
    options.bootstrap_samples = 2000;
    EXPECT_EQ(rb::app::run_baseline(options), 0);
    return options.output_dir;
  }
};

const json& score(const json& stats, const std::string& name) {
  for (const auto& entry : stats["scores"])
    if (entry["name"] == name) return entry;
  throw std::runtime_error("no score " + name);
}

TEST_F(StatsCommandsTest, EvalWritesStatsJsonWhoseScoresAreTheResults) {
  const fs::path run = eval("a");
  const json results = read_json(run / "results.json");
  const json stats = read_json(run / "stats.json");
  EXPECT_EQ(stats["format"], "rewardbench-stats");
  EXPECT_EQ(stats["benchmark"], "v1");
  EXPECT_EQ(stats["model"], results["model"]);
  EXPECT_EQ(stats["items"].size(), 42u);
  size_t numbers = 0;
  for (const auto& [key, value] : results.items()) {
    if (!value.is_number()) continue;
    const json& entry = score(stats, key);
    EXPECT_EQ(entry["value"].get<double>(), value.get<double>()) << key;
    EXPECT_LE(entry["ci_low"].get<double>(), value.get<double>()) << key;
    EXPECT_GE(entry["ci_high"].get<double>(), value.get<double>()) << key;
    ++numbers;
  }
  EXPECT_EQ(numbers, stats["scores"].size());  // nothing reported that results.json does not hold
  // Items carry each pair's outcome as outputs.jsonl has it.
  const auto outputs = read_jsonl(run / "outputs.jsonl");
  for (size_t i = 0; i < outputs.size(); ++i) {
    EXPECT_EQ(stats["items"][i]["result"].get<double>(), outputs[i]["results"].get<double>());
    EXPECT_EQ(stats["items"][i]["scores"][0].get<double>(), outputs[i]["scores_chosen"].get<double>());
  }
  // run.json (written last) lists stats.json with its digest.
  const json run_json = read_json(run / "run.json");
  EXPECT_EQ(run_json["outputs"]["stats.json"]["sha256"], rb::sha256_hex(read_file((run / "stats.json").string())));
  EXPECT_EQ(run_json["invocation"]["options"]["bootstrap_samples"], 2000);
  // Same seed, same bytes; another seed, other intervals.
  EXPECT_EQ(read_file((run / "stats.json").string()), read_file((fs::path(eval("b")) / "stats.json").string()));
  const json other = read_json(fs::path(eval("c", 1)) / "stats.json");
  EXPECT_NE(score(other, "overall")["se"], score(stats, "overall")["se"]);
}

TEST_F(StatsCommandsTest, BaselineRulesOnKnownLengths) {
  const fs::path data = dir_ / "pairs.jsonl";
  write_jsonl(data, {{{"prompt", "p0"}, {"chosen", "long answer"}, {"rejected", "short"}, {"subset", "alpacaeval-easy"}, {"id", 0}},
                     {{"prompt", "p1"}, {"chosen", "ünïcödé!"}, {"rejected", "1234567"}, {"subset", "alpacaeval-easy"}, {"id", 1}},
                     {{"prompt", "p2"}, {"chosen", "same"}, {"rejected", "four"}, {"subset", "alpacaeval-easy"}, {"id", 2}},
                     {{"prompt", "p3"}, {"chosen", "x"}, {"rejected", "longer one"}, {"subset", "alpacaeval-easy"}, {"id", 3}}});
  // Characters are code points: "ünïcödé!" is 8 characters (12 bytes), one more than "1234567".
  auto results = [](const fs::path& run) {
    std::vector<int> out;
    for (const auto& row : read_jsonl(run / "outputs.jsonl")) out.push_back(row["results"].get<int>());
    return out;
  };
  const fs::path longer = baseline("longer", data.string(), "longer");
  EXPECT_EQ(results(longer), (std::vector<int>{1, 1, 0, 0}));  // equal lengths: a tie, which loses
  EXPECT_DOUBLE_EQ(read_json(longer / "results.json")["alpacaeval-easy"].get<double>(), 0.5);
  EXPECT_EQ(read_json(longer / "results.json")["model"], "baseline-longer (characters)");
  EXPECT_EQ(read_json(longer / "results.json")["model_type"], "Baseline");
  EXPECT_EQ(read_json(longer / "stats.json")["length_unit"], "characters");
  EXPECT_EQ(read_json(longer / "stats.json")["items"][1]["lengths"], json::array({8, 7}));
  EXPECT_EQ(results(baseline("shorter", data.string(), "shorter")), (std::vector<int>{0, 0, 0, 1}));
  // first: one seeded answer in front per pair, the same on every run.
  const auto first = results(baseline("first", data.string(), "first"));
  EXPECT_EQ(first, results(baseline("first", data.string(), "first_again")));
}

TEST_F(StatsCommandsTest, BaselineOnRewardBench2SharesTiedCredit) {
  const fs::path data = dir_ / "v2.jsonl";
  auto row = [](const std::string& id, std::vector<std::string> chosen, std::vector<std::string> rejected) {
    return json{{"id", id}, {"prompt", "q"}, {"chosen", chosen}, {"rejected", rejected}, {"subset", "Focus"},
                {"num_correct", chosen.size()}, {"total_completions", chosen.size() + rejected.size()}};
  };
  write_jsonl(data, {row("a", {"longest!"}, {"a", "bb", "ccc"}), row("b", {"tie1"}, {"tie2", "x", "y"}),
                     row("c", {"s"}, {"longer", "mid", "xx"})});
  const fs::path run = baseline("longer", data.string(), "v2");
  const json scores = read_json(run / "scores.json");
  EXPECT_EQ(scores["results"], json::array({1.0, 0.5, 0}));  // best-of-4, a two-way tie at the top
  const json stats = read_json(run / "stats.json");
  EXPECT_EQ(stats["benchmark"], "v2");
  EXPECT_NEAR(score(stats, "Focus")["value"].get<double>(), 0.5, 1e-15);
}

TEST_F(StatsCommandsTest, CompareAModelWithABaseline) {
  const std::string model = eval("model");
  const std::string longer = baseline("longer", (dir_ / "preference_pairs.jsonl").string(), "longer");
  rb::app::CompareOptions options;
  options.runs = {model, longer};
  options.output = (dir_ / "compare.json").string();
  std::ostringstream ignored;
  auto* old = std::cout.rdbuf(ignored.rdbuf());
  const int status = rb::app::run_compare(options);
  std::cout.rdbuf(old);
  ASSERT_EQ(status, 0);
  EXPECT_NE(ignored.str().find("| overall"), std::string::npos) << ignored.str();
  const json comparison = read_json(options.output);
  // Discordant pairs counted from the two outputs.jsonl files.
  const auto a = read_jsonl(fs::path(model) / "outputs.jsonl"), b = read_jsonl(fs::path(longer) / "outputs.jsonl");
  size_t only_a = 0, only_b = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    only_a += a[i]["results"] == 1 && b[i]["results"] == 0;
    only_b += a[i]["results"] == 0 && b[i]["results"] == 1;
  }
  bool saw_overall = false;
  for (const auto& row : comparison["comparisons"]) {
    EXPECT_EQ(row["test"], "mcnemar-exact");
    EXPECT_GE(row["p_holm"].get<double>(), row["p"].get<double>());
    EXPECT_LE(row["p"].get<double>(), 1.0);
    if (row["score"] == "overall") {
      saw_overall = true;
      EXPECT_EQ(row["only_a_right"], only_a);
      EXPECT_EQ(row["only_b_right"], only_b);
      EXPECT_EQ(row["items"], 42);
    }
  }
  EXPECT_TRUE(saw_overall);
  // A run over the first ten pairs only is refused, naming pairs that differ.
  options.runs = {model, baseline("longer", (dir_ / "preference_pairs.jsonl").string(), "ten", 10)};
  try {
    rb::app::run_compare(options);
    FAIL() << "runs over different pairs were compared";
  } catch (const rb::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("do not cover the same items"), std::string::npos) << e.what();
  }
}

TEST_F(StatsCommandsTest, LeaderboardShowsIntervalsFromStatsJson) {
  const fs::path run = eval("run");
  const json overall = score(read_json(run / "stats.json"), "overall");
  rb::report::LeaderboardOptions options;
  options.inputs = {run.string()};
  options.ci = true;
  std::ostringstream out, err;
  ASSERT_EQ(rb::report::run_leaderboard(options, out, err), 0) << err.str();
  char expected[64];
  std::snprintf(expected, sizeof expected, "%.1f [%.1f, %.1f]", rb::report::numpy_round_1(overall["value"].get<double>() * 100),
                rb::report::numpy_round_1(overall["ci_low"].get<double>() * 100),
                rb::report::numpy_round_1(overall["ci_high"].get<double>() * 100));
  EXPECT_NE(out.str().find(expected), std::string::npos) << out.str();
  EXPECT_EQ(err.str(), "");  // run.json and stats.json are not reported as skipped results
}

}  // namespace

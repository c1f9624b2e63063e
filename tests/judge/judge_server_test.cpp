// run_judge end to end against tests/judge/mock_server.py on 127.0.0.1: every scoring, parsing,
// retry, cache/resume and determinism path, with expectations computed by hand from the data.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../support/test_support.h"
#include "app/judge_run.h"
#include "common/error.h"
#include "judge/judge_plan.h"
#include "mock_server.h"

namespace rb::judge {
namespace {

using app::JudgeOptions;
using app::run_judge;
using nlohmann::json;
using testing::MockServer;

using rb::testing::read_file;

void write_jsonl(const std::string& path, const std::vector<json>& rows) {
  std::ofstream out(path, std::ios::binary);
  for (const auto& row : rows) out << row.dump() << "\n";
}

json v1_row(const std::string& id, const json& prompt, const std::string& chosen, const std::string& rejected,
            const std::string& subset) {
  return {{"prompt", prompt}, {"chosen", chosen}, {"rejected", rejected}, {"subset", subset}, {"id", id}};
}

std::vector<json> read_jsonl(const std::string& path) {
  std::vector<json> rows;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) rows.push_back(json::parse(line));
  return rows;
}

class JudgeServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!server_.started()) GTEST_SKIP() << "python3 not available for the mock judge server";
    dir_ = testing::fresh_test_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
  }

  JudgeOptions options(const std::vector<json>& rows, const std::string& name = "run") {
    const std::string dataset = dir_ + "/" + name + ".jsonl";
    write_jsonl(dataset, rows);
    JudgeOptions o;
    o.dataset = dataset;
    o.output_dir = dir_ + "/" + name;
    o.models = {"judge-1"};
    o.base_url = server_.base_url();
    o.api_key = "test-key";
    o.protocol = "openai";
    o.concurrency = 4;
    o.quiet = true;
    o.retry.max_attempts = 3;
    o.retry.initial_backoff_s = 0.01;
    o.retry.max_backoff_s = 3.0;
    o.retry.request_timeout_s = 1.5;
    return o;
  }

  static json results(const JudgeOptions& o) { return json::parse(read_file(o.output_dir + "/results.json")); }
  static json metrics(const JudgeOptions& o) { return json::parse(read_file(o.output_dir + "/judge_metrics.json")); }

  MockServer server_;
  std::string dir_;
};

TEST_F(JudgeServerTest, ScoresRetriesAndResumesAsHandComputed) {
  const json multi_turn = json::array({{{"role", "user"}, {"content", "q1"}},
                                       {{"role", "assistant"}, {"content", "a1"}},
                                       {{"role", "user"}, {"content", "q2"}}});
  const std::vector<json> rows = {
      v1_row("e1", "q", "GOOD answer", "BAD answer", "alpacaeval-easy"),    // 1
      v1_row("e2", "#malformed q", "GOOD", "BAD", "alpacaeval-easy"),       // no verdict: 0.5
      v1_row("e3", "q", "BAD one", "GOOD one", "alpacaeval-easy"),          // 0
      v1_row("e4", "#badbodyx1 q", "GOOD", "BAD", "alpacaeval-easy"),       // 1 after a retry
      v1_row("e5", "#429x1 q", "GOOD", "BAD", "mt-bench-easy"),             // 1 after Retry-After
      v1_row("e6", "#500x2 q", "GOOD", "BAD", "mt-bench-easy"),             // 1 on the third attempt
      v1_row("e7", "#dropx1 q", "GOOD", "BAD", "mt-bench-easy"),            // 1 after a dropped connection
      v1_row("e8", "#slowx1 q", "GOOD", "BAD", "mt-bench-easy"),            // 1 after a timeout
      v1_row("e9", "#fail q", "GOOD", "BAD", "xstest-should-refuse"),       // every attempt fails: 0.5
      v1_row("e10", multi_turn, "GOOD", "BAD", "xstest-should-refuse"),     // two turns: 1
  };
  JudgeOptions o = options(rows);
  ASSERT_EQ(run_judge(o), 0);
  json r = results(o);
  EXPECT_EQ(r["model"], "judge-1");
  EXPECT_EQ(r["model_type"], "Generative RM");
  EXPECT_TRUE(r["chat_template"].is_null());
  EXPECT_DOUBLE_EQ(r["alpacaeval-easy"].get<double>(), (1 + 0.5 + 0 + 1) / 4.0);
  EXPECT_DOUBLE_EQ(r["mt-bench-easy"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(r["xstest-should-refuse"].get<double>(), (0.5 + 1) / 2.0);
  json m = metrics(o);
  EXPECT_EQ(m["subsets"]["alpacaeval-easy"]["parse_failures"], 1);
  EXPECT_EQ(m["subsets"]["alpacaeval-easy"]["request_failures"], 0);
  EXPECT_EQ(m["subsets"]["mt-bench-easy"]["parse_failures"], 0);
  EXPECT_EQ(m["subsets"]["xstest-should-refuse"]["request_failures"], 1);
  EXPECT_EQ(m["parse_failures"], 1);
  // Attempts: 4 plain + e4 2 + e5 2 + e6 3 + e7 2 + e8 2 + e9 3 (max_attempts) = 18.
  EXPECT_EQ(server_.stats()["attempts"], 18);
  const auto verdicts = read_jsonl(o.output_dir + "/verdicts.jsonl");
  ASSERT_EQ(verdicts.size(), rows.size());
  EXPECT_EQ(verdicts[1]["judgments"][0]["parse_failed"], true);
  EXPECT_EQ(verdicts[8]["judgments"][0]["request_failed"], true);
  EXPECT_EQ(verdicts[8]["judgments"][0]["text"], "$ERROR$");

  // A rerun asks only what failed (e9, 3 attempts again), everything else comes from the cache.
  ASSERT_EQ(run_judge(o), 0);
  EXPECT_EQ(server_.stats()["attempts"], 21);
  // Once the server recovers, the resumed run fills the gap with one request.
  server_.heal();
  ASSERT_EQ(run_judge(o), 0);
  EXPECT_EQ(server_.stats()["attempts"], 22);
  EXPECT_DOUBLE_EQ(results(o)["xstest-should-refuse"].get<double>(), 1.0);
  EXPECT_EQ(metrics(o)["request_failures"], 0);
  const json run = json::parse(read_file(o.output_dir + "/run.json"));
  EXPECT_EQ(run["config"]["requests"]["from_cache"], 9);
  EXPECT_EQ(run["config"]["requests"]["sent"], 1);
}

TEST_F(JudgeServerTest, KilledRunResumesFromTheCache) {
  std::vector<json> rows;
  for (int i = 0; i < 40; ++i)
    rows.push_back(v1_row("k" + std::to_string(i), "#delay q" + std::to_string(i), "GOOD", "BAD", "s"));
  JudgeOptions o = options(rows);
  o.concurrency = 2;  // 40 answers x 0.1 s / 2 in flight: about 2 s for the whole run
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    try {
      run_judge(o);
    } catch (...) {
    }
    _exit(0);
  }
  // Kill it once the server has seen a quarter of the requests (answers arrive every 0.05 s).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (server_.stats()["distinct"].get<int>() < 10 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the first run finished before it could be interrupted";
  const int asked_before = server_.stats()["distinct"].get<int>();
  EXPECT_GT(asked_before, 0);
  EXPECT_LT(asked_before, 40);

  ASSERT_EQ(run_judge(o), 0);
  const json run = json::parse(read_file(o.output_dir + "/run.json"));
  const int cached = run["config"]["requests"]["from_cache"].get<int>();
  EXPECT_GT(cached, 0);
  // Whatever was answered and committed before the kill is not asked again; at most the requests
  // in flight at the kill (2) are asked twice.
  EXPECT_EQ(cached + run["config"]["requests"]["sent"].get<int>(), 40);
  EXPECT_LE(server_.stats()["attempts"].get<int>(), 40 + 2);
  EXPECT_EQ(server_.stats()["distinct"], 40);
  EXPECT_DOUBLE_EQ(results(o)["s"].get<double>(), 1.0);
}

TEST_F(JudgeServerTest, RetryAfterIsHonoured) {
  JudgeOptions o = options({v1_row("r1", "#429x2 q", "GOOD", "BAD", "s")});
  o.retry.max_attempts = 5;
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(run_judge(o), 0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Two 429s with Retry-After: 1; our own backoff would have waited 0.01 + 0.02 s.
  EXPECT_GE(seconds, 2.0);
  EXPECT_LT(seconds, 6.0);
  EXPECT_DOUBLE_EQ(results(o)["s"].get<double>(), 1.0);
  EXPECT_EQ(server_.stats()["attempts"], 3);
}

std::vector<json> plain_rows(int count, const std::string& subset = "s") {
  std::vector<json> rows;
  for (int i = 0; i < count; ++i)
    rows.push_back(v1_row("id-" + std::to_string(i), "question " + std::to_string(i), "GOOD " + std::to_string(i),
                          "BAD " + std::to_string(i), subset));
  return rows;
}

TEST_F(JudgeServerTest, SameSeedSameBytesAndOtherSeedOtherOrders) {
  const auto rows = plain_rows(40);
  // A judge that always answers [[A]] makes every score depend on the order shown.
  JudgeOptions first = options(rows, "first");
  first.models = {"judge-biasA"};
  first.seed = 11;
  first.concurrency = 1;
  JudgeOptions second = options(rows, "second");
  second.models = {"judge-biasA"};
  second.seed = 11;
  second.concurrency = 8;
  ASSERT_EQ(run_judge(first), 0);
  ASSERT_EQ(run_judge(second), 0);
  for (const char* file : {"results.json", "verdicts.jsonl", "judge_metrics.json"})
    EXPECT_EQ(read_file(first.output_dir + "/" + file), read_file(second.output_dir + "/" + file)) << file;

  // Hand rule: [[A]] is right exactly when the chosen answer is shown first.
  int unswapped = 0;
  const auto verdicts = read_jsonl(first.output_dir + "/verdicts.jsonl");
  for (const auto& verdict : verdicts) {
    const bool chosen_first = verdict["orders"][0][0] == 0;
    unswapped += chosen_first;
    EXPECT_DOUBLE_EQ(verdict["results"].get<double>(), chosen_first ? 1.0 : 0.0);
  }
  EXPECT_GT(unswapped, 5);
  EXPECT_LT(unswapped, 35);
  EXPECT_DOUBLE_EQ(results(first)["s"].get<double>(), unswapped / 40.0);

  JudgeOptions other = options(rows, "other");
  other.models = {"judge-biasA"};
  other.seed = 12;
  ASSERT_EQ(run_judge(other), 0);
  const auto other_verdicts = read_jsonl(other.output_dir + "/verdicts.jsonl");
  int changed = 0;
  for (size_t i = 0; i < verdicts.size(); ++i) changed += verdicts[i]["orders"] != other_verdicts[i]["orders"];
  EXPECT_GT(changed, 0);
}

TEST_F(JudgeServerTest, DebiasReportsPositionConsistency) {
  const auto rows = plain_rows(6);
  JudgeOptions fair = options(rows, "fair");
  fair.debias = true;
  ASSERT_EQ(run_judge(fair), 0);
  EXPECT_DOUBLE_EQ(metrics(fair)["subsets"]["s"]["position_consistency"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(metrics(fair)["subsets"]["s"]["consistent_accuracy"].get<double>(), 1.0);
  EXPECT_EQ(server_.stats()["distinct"], 12);  // both orders of 6 pairs

  JudgeOptions biased = options(rows, "biased");
  biased.models = {"judge-biasA"};
  biased.debias = true;
  ASSERT_EQ(run_judge(biased), 0);
  EXPECT_DOUBLE_EQ(metrics(biased)["subsets"]["s"]["position_consistency"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(metrics(biased)["subsets"]["s"]["consistent_accuracy"].get<double>(), 0.0);
  for (const auto& verdict : read_jsonl(biased.output_dir + "/verdicts.jsonl")) {
    EXPECT_EQ(verdict["orders"].size(), 2u);
    EXPECT_EQ(verdict["consistent"], false);
  }
  // stats.json carries the same position bias beside the length bias, and an item per pair whose
  // results average to the subset's score.
  for (const JudgeOptions* run : {&fair, &biased}) {
    const json stats = json::parse(read_file(run->output_dir + "/stats.json"));
    EXPECT_EQ(stats["benchmark"], "v1");
    EXPECT_EQ(stats["bias"]["position_consistency"]["s"]["position_consistency"],
              metrics(*run)["subsets"]["s"]["position_consistency"]);
    EXPECT_TRUE(stats["bias"].contains("overall"));
    ASSERT_EQ(stats["items"].size(), 6u);
    double sum = 0.0;
    for (const auto& item : stats["items"]) sum += item["result"].get<double>();
    for (const auto& score : stats["scores"])
      if (score["name"] == "s") EXPECT_DOUBLE_EQ(score["value"].get<double>(), sum / 6.0);
    EXPECT_DOUBLE_EQ(results(*run)["s"].get<double>(), sum / 6.0);
  }
}

json v2_row(const std::string& id, const std::string& prompt, std::vector<std::string> chosen,
            std::vector<std::string> rejected, const std::string& subset) {
  const size_t correct = chosen.size(), total = chosen.size() + rejected.size();
  return {{"id", id},           {"prompt", prompt},        {"chosen", chosen},         {"rejected", rejected},
          {"subset", subset},   {"num_correct", correct},  {"total_completions", total}};
}

TEST_F(JudgeServerTest, RewardBench2RankingsAndTiesRatings) {
  const std::vector<json> rows = {
      v2_row("f1", "q1", {"GOOD c"}, {"BAD r1", "BAD r2", "BAD r3"}, "Factuality"),       // 1
      v2_row("f2", "#malformed q2", {"GOOD c"}, {"BAD r1", "BAD r2", "BAD r3"}, "Factuality"),  // 0.25
      v2_row("f3", "q3", {"BAD c"}, {"GOOD r1", "BAD r2", "BAD r3"}, "Factuality"),       // 0
      v2_row("ref:1", "t", {"RATE=9"}, {"RATE=3"}, "Ties"),
      v2_row("tied:1", "t", {"RATE=9", "RATE=8"}, {"RATE=2"}, "Ties"),
  };
  JudgeOptions o = options(rows);
  o.version = 2;
  ASSERT_EQ(run_judge(o), 0);
  const json r = results(o);
  EXPECT_DOUBLE_EQ(r["Factuality"].get<double>(), 1.25 / 3.0);
  // ref accurate (9-3>0), tied accurate (8-2>0); d = 9-8 = 1, cit = 6, cir = 6:
  // preferred = preferred_hard = 1, margin = tanh(6/1 - 1).
  EXPECT_NEAR(r["Ties"].get<double>(), 0.3 + 0.3 + 0.2 + 0.2 + 0.01 * std::tanh(5.0), 1e-12);
  const auto verdicts = read_jsonl(o.output_dir + "/verdicts.jsonl");
  EXPECT_EQ(verdicts[4]["ratings"], json::array({9, 8, 2}));
  EXPECT_TRUE(verdicts[4]["results"].is_null());
  EXPECT_EQ(metrics(o)["subsets"]["Factuality"]["parse_failures"], 1);
  // Seeded transpositions: the correct answer is in each example's recorded slot.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(verdicts[static_cast<size_t>(i)]["orders"][0].size(), 4u);
}

TEST_F(JudgeServerTest, RewardBench2RatingsGiveOneOverK) {
  JudgeOptions o = options({v2_row("a", "q", {"RATE=9"}, {"RATE=9", "RATE=4", "RATE=2"}, "Focus"),      // 1/2
                            v2_row("b", "q", {"RATE=8"}, {"RATE=3", "RATE=4", "RATE=2"}, "Focus"),      // 1
                            v2_row("c", "q", {"RATE=5"}, {"RATE=6", "RATE=4", "RATE=2"}, "Focus"),      // 0
                            v2_row("d", "#malformed", {"RATE=5"}, {"RATE=6", "RATE=4", "RATE=2"}, "Focus")});  // 0.25
  o.version = 2;
  o.ratings = true;
  ASSERT_EQ(run_judge(o), 0);
  EXPECT_DOUBLE_EQ(results(o)["Focus"].get<double>(), (0.5 + 1 + 0 + 0.25) / 4.0);
  EXPECT_EQ(metrics(o)["subsets"]["Focus"]["parse_failures"], 4);
}

TEST_F(JudgeServerTest, RatingsModeV1) {
  JudgeOptions o = options({v1_row("a", "q", "RATE=8", "RATE=3", "s"), v1_row("b", "q", "RATE=5", "RATE=5", "s"),
                            v1_row("c", "q", "RATE=2", "RATE=7", "s"), v1_row("d", "#malformed", "RATE=9", "RATE=1", "s")});
  o.ratings = true;
  ASSERT_EQ(run_judge(o), 0);
  EXPECT_DOUBLE_EQ(results(o)["s"].get<double>(), (1 + 0.5 + 0 + 0.5) / 4.0);
  EXPECT_EQ(metrics(o)["subsets"]["s"]["parse_failures"], 2);  // both ratings of "d"
}

TEST_F(JudgeServerTest, AnthropicProtocol) {
  JudgeOptions o = options({v1_row("a", "q", "GOOD", "BAD", "s"), v1_row("b", "q2", "BAD", "GOOD", "s")});
  o.protocol = "anthropic";
  o.base_url = server_.root_url();
  o.models = {"claude-3-haiku-20240307"};
  ASSERT_EQ(run_judge(o), 0);
  EXPECT_DOUBLE_EQ(results(o)["s"].get<double>(), 0.5);
  EXPECT_EQ(results(o)["model"], "anthropic/claude-3-haiku-20240307");
}

TEST_F(JudgeServerTest, EnsembleMajorityVote) {
  const auto rows = plain_rows(10);
  JudgeOptions honest = options(rows, "honest");
  honest.models = {"judge-a", "judge-biasA", "judge-c"};
  ASSERT_EQ(run_judge(honest), 0);
  EXPECT_DOUBLE_EQ(results(honest)["s"].get<double>(), 1.0);  // two of three judges are right every time
  EXPECT_EQ(results(honest)["model"], "PoLL/judge-a_judge-biasA_judge-c");
  EXPECT_EQ(results(honest)["model_type"], "Generative RM PoLL");

  JudgeOptions biased = options(rows, "biased");
  biased.models = {"x-biasA", "y-biasA", "judge-c"};
  ASSERT_EQ(run_judge(biased), 0);
  double expected = 0;
  for (const auto& verdict : read_jsonl(biased.output_dir + "/verdicts.jsonl"))
    expected += verdict["orders"][0][0] == 0 ? 1.0 : 0.0;  // the biased majority says A
  EXPECT_DOUBLE_EQ(results(biased)["s"].get<double>(), expected / 10.0);
  EXPECT_EQ(read_jsonl(biased.output_dir + "/verdicts.jsonl")[0]["judgments"].size(), 3u);
}

TEST_F(JudgeServerTest, UnauthorizedStopsTheRun) {
  JudgeOptions o = options(plain_rows(5));
  o.models = {"unauthorized"};
  EXPECT_THROW(run_judge(o), Error);
}

// A run whose requests mostly fail used to exit 0 with "overall 0.5"; it now stops, writing no results.
TEST_F(JudgeServerTest, MostlyFailedRequestsStopTheRun) {
  JudgeOptions o = options({v1_row("a", "#fail q1", "GOOD", "BAD", "s"), v1_row("b", "#fail q2", "GOOD", "BAD", "s"),
                            v1_row("c", "plain q", "GOOD", "BAD", "s")});
  o.retry.max_attempts = 1;
  try {
    run_judge(o);
    FAIL() << "a run with 2 of 3 requests failed finished";
  } catch (const ModelError& error) {
    EXPECT_NE(std::string(error.what()).find("2 of 3 judge requests failed"), std::string::npos) << error.what();
  }
  EXPECT_FALSE(std::filesystem::exists(o.output_dir + "/results.json"));
}

size_t code_points(const std::string& text) {
  size_t count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

// Real text (AlpacaEval outputs: code, markdown, braces, non-ASCII) through prompts, JSON requests,
// the cache and back: a judge that prefers the longer answer must score exactly the share of pairs
// whose chosen answer is longer.
TEST_F(JudgeServerTest, RealAlpacaEvalTextWithALengthJudge) {
  const std::string folder = std::string(RB_SHARED_DIR) + "/data/text/alpaca_eval/";
  if (!std::filesystem::exists(folder + "gpt4_1106_preview.json")) GTEST_SKIP() << "no ../shared data";
  const json chosen = json::parse(read_file(folder + "gpt4_1106_preview.json"));
  const json rejected = json::parse(read_file(folder + "alpaca-7b.json"));
  std::vector<json> rows;
  size_t chosen_longer = 0;
  for (size_t i = 0; i < chosen.size(); ++i) {
    const std::string a = chosen[i]["output"], b = rejected[i]["output"];
    if (code_points(a) == code_points(b)) continue;  // the mock would pick slot A: order-dependent
    chosen_longer += code_points(a) > code_points(b);
    rows.push_back(v1_row("alpaca-" + std::to_string(i), chosen[i]["instruction"], a, b, "alpacaeval-length"));
  }
  ASSERT_GT(rows.size(), 700u);
  JudgeOptions o = options(rows);
  o.models = {"judge-longer"};
  o.concurrency = 16;
  o.retry.request_timeout_s = 20;
  ASSERT_EQ(run_judge(o), 0);
  EXPECT_DOUBLE_EQ(results(o)["alpacaeval-length"].get<double>(),
                   static_cast<double>(chosen_longer) / static_cast<double>(rows.size()));
  EXPECT_EQ(metrics(o)["parse_failures"], 0);
}

TEST_F(JudgeServerTest, LoadThousandJudgmentsAtConcurrency32) {
  JudgeOptions o = options(plain_rows(1000));
  o.concurrency = 32;
  o.retry.request_timeout_s = 20;
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(run_judge(o), 0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[ figures  ] 1000 judgments at concurrency 32 in " << seconds << " s\n";
  EXPECT_LT(seconds, 30.0);
  const auto verdicts = read_jsonl(o.output_dir + "/verdicts.jsonl");
  ASSERT_EQ(verdicts.size(), 1000u);
  std::set<std::string> ids;
  for (size_t i = 0; i < verdicts.size(); ++i) {
    EXPECT_EQ(verdicts[i]["id"], "id-" + std::to_string(i));
    ids.insert(verdicts[i]["id"].get<std::string>());
    EXPECT_DOUBLE_EQ(verdicts[i]["results"].get<double>(), 1.0);
  }
  EXPECT_EQ(ids.size(), 1000u);
  const json stats = server_.stats();
  EXPECT_EQ(stats["attempts"], 1000);
  EXPECT_EQ(stats["distinct"], 1000);
  EXPECT_EQ(stats["per_body_max"], 1);
  EXPECT_DOUBLE_EQ(results(o)["s"].get<double>(), 1.0);
}

}  // namespace
}  // namespace rb::judge

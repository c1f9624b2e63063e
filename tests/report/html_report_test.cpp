// `rewardbench report`: the HTML as text (self-contained, deterministic, every score of stats.json
// in the leaderboard, names that cannot break out of their element), then the page opened in a
// real headless Chromium (Debian's chromium driven by puppeteer-core from npm): no console error,
// no network request, every chart drawn with the numbers of stats.json in its marks, the tables
// sortable. The browser test saves <build>/test-artifacts/report.png, and skips without chromium,
// node or the npm registry.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

#include <nlohmann/json.hpp>

#include "../support/test_support.h"
#include "app/baseline_run.h"
#include "app/demo_assets.h"
#include "app/eval_run.h"
#include "app/report_run.h"
#include "common/error.h"
#include "report/chart_library.h"
#include "report/html_report.h"

namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using rb::testing::read_file;
using rb::testing::shell_quote;

json read_json(const fs::path& path) { return json::parse(read_file(path.string())); }

// "41.4" as the report prints x100 scores; computed here with decimal rounding of the text.
std::string percent(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", std::round(value * 1000.0) / 10.0);
  return text;
}

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

class HtmlReportTest : public rb::testing::ScratchDirTest {
 protected:
  void SetUp() override {
    ScratchDirTest::SetUp();
    if (!rb::report::chart_library().available)
      GTEST_SKIP() << "this build has no chart library: " << rb::report::chart_library().problem;
    rb::app::write_demo_assets(dir_.string(), 1234);
    write_v2_rows();
  }

  // RewardBench 2 rows over five subsets (no Ties, so no final score: the report must cope).
  void write_v2_rows() {
    std::ofstream out(dir_ / "v2.jsonl");
    const char* subsets[] = {"Factuality", "Precise IF", "Math", "Safety", "Focus"};
    int id = 0;
    for (const char* subset : subsets) {
      for (int i = 0; i < 3; ++i, ++id) {
        json row = {{"id", std::to_string(id)},
                    {"prompt", std::string("Question ") + std::to_string(id) + " about " + subset + "?"},
                    {"chosen", {std::string("A careful, correct answer number ") + std::to_string(id * 7) + "."}},
                    {"rejected",
                     {"Wrong.", std::string("A long but wrong answer ") + std::string(id % 5 * 9, 'x'), "No idea at all."}},
                    {"subset", subset},
                    {"num_correct", 1},
                    {"total_completions", 4}};
        out << row.dump() << "\n";
      }
    }
  }

  std::string eval(const std::string& dataset, const std::string& name) {
    rb::app::EvalOptions options;
    options.model = (dir_ / "model").string();
    options.dataset = (dir_ / dataset).string();
    options.output_dir = (dir_ / name).string();
    options.quiet = true;
    options.threads = 1;
    options.no_cache = true;
    options.bootstrap_samples = 1000;
    EXPECT_EQ(rb::app::run_eval(options), 0);
    return options.output_dir;
  }

  std::string baseline(const std::string& rule, const std::string& dataset, const std::string& name) {
    rb::app::BaselineOptions options;
    options.dataset = (dir_ / dataset).string();
    options.rule = rule;
    options.output_dir = (dir_ / name).string();
    options.quiet = true;
    options.bootstrap_samples = 1000;
    EXPECT_EQ(rb::app::run_baseline(options), 0);
    return options.output_dir;
  }

  std::vector<rb::report::ReportRun> read_runs(const std::vector<std::string>& folders) {
    std::vector<rb::report::ReportRun> runs;
    for (const auto& folder : folders) runs.push_back(rb::report::read_report_run(folder));
    rb::report::assign_run_labels(runs);
    return runs;
  }

  std::string report(const std::vector<std::string>& folders) {
    return rb::report::build_html_report(read_runs(folders), {});
  }
};

TEST_F(HtmlReportTest, LeaderboardShowsEveryScoreWithItsInterval) {
  const std::string model = eval("preference_pairs.jsonl", "model-run");
  const std::string longer = baseline("longer", "preference_pairs.jsonl", "longer");
  const std::string html = report({model, longer});
  for (const auto& folder : {model, longer}) {
    for (const auto& score : read_json(fs::path(folder) / "stats.json")["scores"]) {
      if (score["kind"] != "section" && score["kind"] != "overall") continue;
      const std::string cell = "<span class=\"score\">" + percent(score["value"].get<double>()) +
                               "</span> <span class=\"ci\">[" + percent(score["ci_low"].get<double>()) + ", " +
                               percent(score["ci_high"].get<double>()) + "]</span>";
      EXPECT_NE(html.find(cell), std::string::npos) << folder << " " << score.dump();
    }
  }
  EXPECT_NE(html.find("<tr class=\"baseline\" data-run=\"baseline-longer (characters)\">"), std::string::npos);
}

TEST_F(HtmlReportTest, SelfContainedAndDeterministic) {
  const std::string model = eval("preference_pairs.jsonl", "model-run");
  const std::string longer = baseline("longer", "preference_pairs.jsonl", "longer");
  const std::string html = report({model, longer});
  EXPECT_EQ(html, report({model, longer}));
  EXPECT_NE(html.find("Content-Security-Policy\" content=\"default-src 'none';"), std::string::npos);
  EXPECT_EQ(count(html, "<script src"), 0u);
  EXPECT_EQ(count(html, "<link"), 0u);
  EXPECT_EQ(count(html, "<script data-library=\"vega@6.4.0\">"), 1u);
  EXPECT_EQ(count(html, "<script data-library=\"vega-lite@6.5.0\">"), 1u);
  // The run's provenance from run.json: the model path and the dtype it ran in.
  EXPECT_NE(html.find("<tr><th>model path</th><td>" + (dir_ / "model").string() + "</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("<tr><th>dtype</th><td>float32</td></tr>"), std::string::npos);
}

TEST_F(HtmlReportTest, NamesCannotEndTheirElement) {
  const std::string model = eval("preference_pairs.jsonl", "model-run");
  json results = read_json(fs::path(model) / "results.json");
  results["model"] = "evil</script><script>alert(1)</script>";
  std::ofstream(fs::path(model) / "results.json") << results.dump();
  const std::string html = report({model});
  EXPECT_EQ(html.find("<script>alert(1)"), std::string::npos);
  // The data element, two library scripts and the page script: nothing else closes a script.
  EXPECT_EQ(count(html, "</script>"), 4u);
  EXPECT_NE(html.find("evil&lt;/script&gt;"), std::string::npos);
}

TEST_F(HtmlReportTest, RepeatedModelsGetDistinctLabels) {
  const auto runs = read_runs({eval("preference_pairs.jsonl", "first"), eval("preference_pairs.jsonl", "second")});
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_NE(runs[0].label, runs[1].label);
  EXPECT_NE(runs[0].label.find("(first)"), std::string::npos) << runs[0].label;
  EXPECT_NE(runs[1].label.find("(second)"), std::string::npos) << runs[1].label;
}

TEST_F(HtmlReportTest, RunsWithoutStatsJsonAreRefusedByName) {
  const std::string model = eval("preference_pairs.jsonl", "model-run");
  fs::remove(fs::path(model) / "stats.json");
  try {
    rb::report::read_report_run(model);
    FAIL() << "a run without stats.json was read";
  } catch (const rb::InputError& e) {
    EXPECT_NE(std::string(e.what()).find(model + "/stats.json"), std::string::npos) << e.what();
  }
  EXPECT_THROW(rb::report::read_report_run((dir_ / "nowhere").string()), rb::InputError);
}

TEST_F(HtmlReportTest, CommandWritesTheFile) {
  rb::app::ReportOptions options;
  options.runs = {eval("preference_pairs.jsonl", "model-run")};
  options.output = (dir_ / "out" / "report.html").string();
  options.quiet = true;
  fs::create_directories(dir_ / "out");
  ASSERT_EQ(rb::app::run_report(options), 0);
  const std::string html = read_file(options.output);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.substr(html.size() - 8), "</html>\n");
}

// ------------------------------------------------------------------ in a real browser

std::optional<std::string> puppeteer_modules() {
  // puppeteer-core 24.43.1: the newest release that still runs on Debian 12's Node 18.
  auto r = rb::testing::run_command(shell_quote(rb::testing::source_dir() + "/tests/support/install_npm_tree.sh") +
                                    " puppeteer-core@24.43.1 " + shell_quote(rb::testing::binary_dir() + "/npm-puppeteer") + " 2>/dev/null");
  if (r.status != 0) return std::nullopt;
  while (!r.output.empty() && r.output.back() == '\n') r.output.pop_back();
  return r.output;
}

std::string chromium_path() {
  if (const char* given = std::getenv("RB_CHROMIUM")) return given;
  for (const char* candidate : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
    if (fs::exists(candidate)) return candidate;
  return "";
}

// "run | score | 0.4143 [0.1327, 0.7332] | 11 items" -> its parts.
struct PointLabel {
  std::string run, score;
  double value, low, high;
  size_t items;
};

std::optional<PointLabel> parse_point_label(const std::string& label) {
  static const std::regex pattern(R"(^(.*) \| (.*) \| (\S+) \[(\S+), (\S+)\] \| (\d+) items$)");
  std::smatch m;
  if (!std::regex_match(label, m, pattern)) return std::nullopt;
  auto number = [](const std::string& text) { return text == "n/a" ? std::nan("") : std::stod(text); };
  return PointLabel{m[1], m[2], number(m[3]), number(m[4]), number(m[5]), std::stoul(m[6])};
}

const json* find_chart(const json& found, const std::string& id) {
  for (const auto& chart : found["charts"])
    if (chart["id"] == id) return &chart;
  return nullptr;
}

// Every score of `stats` named in `names` appears as a point of `chart` with its numbers (to the
// four decimals the label shows); a baseline's as a reference tick ("baseline ..." labels).
void expect_points(const json& chart, const std::string& label, const json& stats, const std::vector<std::string>& names,
                   bool is_baseline) {
  std::map<std::string, int> seen;
  for (const auto& text : chart["labels"]) {
    std::string s = text.get<std::string>();
    const bool baseline_label = s.rfind("baseline ", 0) == 0;
    if (baseline_label) s = s.substr(9);
    const auto point = parse_point_label(s);
    if (!point || point->run != label || baseline_label != is_baseline) continue;
    for (const auto& score : stats["scores"]) {
      if (score["name"] != point->score) continue;
      EXPECT_NEAR(point->value, score["value"].get<double>(), 5.01e-5) << s;
      EXPECT_NEAR(point->low, score["ci_low"].get<double>(), 5.01e-5) << s;
      EXPECT_NEAR(point->high, score["ci_high"].get<double>(), 5.01e-5) << s;
      EXPECT_EQ(point->items, score["items"].get<size_t>()) << s;
      ++seen[point->score];
    }
  }
  for (const auto& name : names)  // a model's point is drawn twice (whisker and dot), a baseline's once
    EXPECT_EQ(seen[name], is_baseline ? 1 : 2) << chart["id"] << " " << label << " " << name;
}

std::vector<std::string> names_of(const json& stats, std::initializer_list<const char*> kinds) {
  std::vector<std::string> names;
  for (const auto& score : stats["scores"])
    for (const char* kind : kinds)
      if (score["kind"] == kind) names.push_back(score["name"]);
  return names;
}

TEST_F(HtmlReportTest, OpensOfflineInChromiumWithEveryFigureDrawn) {
  const std::string chromium = chromium_path();
  if (chromium.empty()) GTEST_SKIP() << "no chromium (apt install chromium, or set RB_CHROMIUM)";
  const auto modules = puppeteer_modules();
  if (!modules) GTEST_SKIP() << "node/npm or the npm registry is unavailable (puppeteer-core)";

  const std::string model = eval("preference_pairs.jsonl", "model-run");
  const std::string longer = baseline("longer", "preference_pairs.jsonl", "longer");
  const std::string shorter = baseline("shorter", "preference_pairs.jsonl", "shorter");
  const std::string model_v2 = eval("v2.jsonl", "model-v2");
  const std::string random_v2 = baseline("random", "v2.jsonl", "random-v2");
  rb::app::ReportOptions options;
  options.runs = {model, longer, shorter, model_v2, random_v2};
  options.output = (dir_ / "report.html").string();
  options.quiet = true;
  ASSERT_EQ(rb::app::run_report(options), 0);

  const fs::path artifacts = fs::path(rb::testing::binary_dir()) / "test-artifacts";
  fs::create_directories(artifacts);
  const fs::path screenshot = artifacts / "report.png";
  fs::remove(screenshot);
  const auto result = rb::testing::run_command(
      "node " + shell_quote(rb::testing::source_dir() + "/tests/report/inspect_report.js") + " " + shell_quote(*modules) +
      " " + shell_quote(chromium) + " " + shell_quote(options.output) + " " + shell_quote(screenshot.string()));
  ASSERT_EQ(result.status, 0) << result.output;
  const json found = json::parse(result.output);

  EXPECT_EQ(found["console_errors"], json::array()) << found["console_errors"].dump(1);
  EXPECT_EQ(found["page_errors"], json::array()) << found["page_errors"].dump(1);
  EXPECT_EQ(found["requests"], json::array()) << "the page reached out: " << found["requests"].dump(1);
  EXPECT_EQ(found["rendered"], "true");
  EXPECT_GT(fs::file_size(screenshot), 10000u);

  // Both model runs are of the same model: the folder tells them apart.
  const std::string model_name = read_json(fs::path(model) / "results.json")["model"];
  const std::string model_label = model_name + " (model-run)", v2_label = model_name + " (model-v2)";
  const json stats = read_json(fs::path(model) / "stats.json");
  const json stats_v2 = read_json(fs::path(model_v2) / "stats.json");
  std::vector<std::string> ids;
  for (const auto& chart : found["charts"]) {
    ids.push_back(chart["id"]);
    EXPECT_EQ(chart["rendered"], "true") << chart["id"];
    EXPECT_EQ(chart["svg"], 1) << chart["id"];
    EXPECT_GT(chart["marks"].get<int>(), 0) << chart["id"];
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"chart-v1-headline", "chart-v1-subsets", "chart-v1-0-distribution",
                                           "chart-v1-0-margin", "chart-v2-headline", "chart-v2-3-distribution",
                                           "chart-v2-3-margin"}));

  // Accuracy charts: every section and the overall score, and every subset, of every run.
  auto headline = names_of(stats, {"section", "overall"});
  expect_points(*find_chart(found, "chart-v1-headline"), model_label, stats, headline, false);
  expect_points(*find_chart(found, "chart-v1-headline"), "baseline-longer (characters)",
                read_json(fs::path(longer) / "stats.json"), headline, true);
  expect_points(*find_chart(found, "chart-v1-headline"), "baseline-shorter (characters)",
                read_json(fs::path(shorter) / "stats.json"), headline, true);
  expect_points(*find_chart(found, "chart-v1-subsets"), model_label, stats, names_of(stats, {"subset"}), false);
  const auto v2_subsets = names_of(stats_v2, {"subset"});
  EXPECT_EQ(v2_subsets.size(), 5u);
  expect_points(*find_chart(found, "chart-v2-headline"), v2_label, stats_v2, v2_subsets, false);

  // The histogram's bars add up to every chosen and every rejected answer; the scatter has a
  // point per pair.
  const std::regex bar(R"(answers: (\d+); answer: (\w+))");
  std::map<std::string, int> answers;
  for (const auto& text : (*find_chart(found, "chart-v1-0-distribution"))["labels"]) {
    std::smatch m;
    const std::string s = text.get<std::string>();
    if (std::regex_search(s, m, bar)) answers[m[2]] += std::stoi(m[1]);
  }
  EXPECT_EQ(answers["chosen"], 42);
  EXPECT_EQ(answers["rejected"], 42);
  size_t scatter_points = 0;
  for (const auto& text : (*find_chart(found, "chart-v1-0-margin"))["labels"])
    scatter_points += text.get<std::string>().find("outcome: ") != std::string::npos;
  EXPECT_EQ(scatter_points, stats["bias"]["overall"]["correlated_items"].get<size_t>());

  // Bias numbers as stats.json has them.
  std::map<std::string, std::string> bias;
  for (const auto& cell : found["bias"])
    if (cell["run"] == model_label) bias[cell["field"]] = cell["text"];
  EXPECT_EQ(bias["chosen_longer"], percent(stats["bias"]["overall"]["chosen_longer"]["accuracy"].get<double>()));
  char r[16];
  std::snprintf(r, sizeof r, "%.3f", stats["bias"]["overall"]["margin_length_correlation"].get<double>());
  EXPECT_EQ(bias["margin_length_correlation"], r);

  // The v1 leaderboard: sorted by overall, descending; one click on the column sorts ascending.
  const json& table = found["tables"][0];
  EXPECT_EQ(table["id"], "leaderboard-v1");
  EXPECT_EQ(table["headers"], json({"run", "type", "overall", "Chat", "Chat Hard", "Safety", "Reasoning"}));
  std::vector<double> overall_before, overall_after;
  for (const auto& row : table["rows"]) overall_before.push_back(std::stod(row["values"][2].get<std::string>()));
  for (const auto& row : found["tables_after_click"][0]["rows"])
    overall_after.push_back(std::stod(row["values"][2].get<std::string>()));
  ASSERT_EQ(overall_before.size(), 3u);
  EXPECT_TRUE(std::is_sorted(overall_before.rbegin(), overall_before.rend()));
  EXPECT_TRUE(std::is_sorted(overall_after.begin(), overall_after.end()));
  for (const auto& row : table["rows"]) {
    if (row["run"] != model_label) continue;
    const json& overall = stats["scores"].back();
    ASSERT_EQ(overall["name"], "overall");
    EXPECT_EQ(row["cells"][2], percent(overall["value"].get<double>()) + " [" +
                                   percent(overall["ci_low"].get<double>()) + ", " +
                                   percent(overall["ci_high"].get<double>()) + "]");
  }
  std::cout << "screenshot: " << screenshot.string() << "\n";
}

}  // namespace

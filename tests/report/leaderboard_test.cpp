#include "report/leaderboard_command.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "../support/test_support.h"

namespace {

namespace fs = std::filesystem;

class LeaderboardFiles : public rb::testing::ScratchDirTest {
 protected:
  void write(const std::string& relative, const std::string& text) {
    fs::path path = dir_ / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }

  // Every v1 core subset of `section` at `value`.
  static std::string section_keys(const std::vector<std::string>& subsets, const std::string& value) {
    std::string text;
    for (const auto& subset : subsets) text += ", \"" + subset + "\": " + value;
    return text;
  }

  void write_core(const std::string& relative, const std::string& model, const std::string& type,
                  const std::string& chat, const std::string& chat_hard, const std::string& safety,
                  const std::string& reasoning, bool drop_hep_go = false) {
    std::vector<std::string> reasoning_subsets = {"math-prm", "hep-cpp", "hep-java", "hep-js", "hep-python", "hep-rust"};
    if (!drop_hep_go) reasoning_subsets.push_back("hep-go");
    write(relative, "{\"model\": \"" + model + "\", \"model_type\": \"" + type + "\", \"chat_template\": \"tokenizer\"" +
                        section_keys({"alpacaeval-easy", "alpacaeval-length", "alpacaeval-hard", "mt-bench-easy",
                                      "mt-bench-med"},
                                     chat) +
                        section_keys({"mt-bench-hard", "llmbar-natural", "llmbar-adver-neighbor", "llmbar-adver-GPTInst",
                                      "llmbar-adver-GPTOut", "llmbar-adver-manual"},
                                     chat_hard) +
                        section_keys({"refusals-dangerous", "refusals-offensive", "xstest-should-refuse",
                                      "xstest-should-respond", "donotanswer"},
                                     safety) +
                        section_keys(reasoning_subsets, reasoning) +
                        // Our own results.json carries derived keys; the leaderboard recomputes them.
                        ", \"Chat\": 0.1, \"Safety\": 0.2, \"overall\": 0.3}");
  }

  void write_fixture() {
    write_core("eval-set/org/a.json", "org/a", "Seq. Classifier", "0.75", "0.5", "0.875", "0.625");
    write_core("eval-set/org/b.json", "org/b", "Seq. Classifier", "1.0", "0.25", "0.5", "0.75");
    write_core("eval-set/org/c.json", "org/c", "DPO", "0.5", "0.5", "0.5", "0.5", /*drop_hep_go=*/true);
    write_core("eval-set/org/d.json", "org/d", "DPO Ref. Free", "1.0", "1.0", "1.0", "1.0");
    write_core("eval-set/org/e.json", "org/e", "Generative RM", "0.875", "0.875", "0.875", "0.875");
    write("pref-sets/org/a.json",
          R"({"model": "org/a", "model_type": "Seq. Classifier", "chat_template": null, "anthropic_helpful": 0.5,
              "anthropic_hhh": 0.75, "shp": null, "summarize": 1.0, "anthropic_harmless": 0.0, "mtbench_gpt4": 0.2})");
    write("v2/org/f.json",
          R"({"model": "org/f", "model_type": "Seq. Classifier", "chat_template": "tokenizer", "Factuality": 0.75,
              "Precise IF": 0.5, "Math": 0.625, "Safety": 0.875, "Focus": 1.0, "Ties": 0.71})");
    write("v2/org/g.json",
          R"({"model": "org/g", "model_type": "Seq. Classifier", "chat_template": "tokenizer", "Factuality": 0.25,
              "Precise IF": 0.25, "Math": 0.25, "Safety": 0.25, "Focus": 0.25})");
    write("bad/broken.json", "{not json");
    write("bad/mixed.json", R"({"model": "m", "Factuality": 0.5, "shp": 0.5})");
    write("bad/no_model.json", R"({"alpacaeval-easy": 0.5})");
    write("bad/scores.json", R"({"model": "m", "model_type": "x", "id": ["1"], "results": [1.0], "scores": [[1.0]]})");
    write("bad/unrelated.json", R"({"model": "m", "accuracy": 0.5})");
    write("bad/notes.txt", "not json, not read");
  }

};

// Hand-computed (weights equalise inside each section because every subset has the same value):
//   org/a: Chat 0.75, Chat Hard 0.5, Safety 0.875, Reasoning 0.625, Prior Sets mean(0.5, 0.75, 1.0) = 0.75
//          (shp is null), average (2*0.75 + 2*0.5 + 2*0.875 + 2*0.625 + 0.75) / 9 = 0.69444 -> 69.4
//   org/b: no prior sets, average (1 + 0.25 + 0.5 + 0.75) / 4 = 0.625 -> 62.5
//   org/c: lacks hep-go, so Reasoning is NaN and masked: average 0.5 -> 50
//   org/d: "DPO Ref. Free", dropped; org/e: "Generative RM" shown as "Generative", 87.5
//   org/f: mean of the six = 4.46 / 6 -> 74.3; org/g: no Ties, no average, sorted last.
// Table layout: what pandas' to_markdown (tabulate "github") prints for these values, with the
// script's "nan" removal.
const char* kExpectedMarkdown =
    "==================== RewardBench - Overview ====================\n"
    "| model   | model_type      |   average |   Chat |   Chat Hard |   Safety |   Reasoning |   Prior Sets (0.5 weight) |\n"
    "|---------|-----------------|-----------|--------|-------------|----------|-------------|---------------------------|\n"
    "| org/e   | Generative      |      87.5 |   87.5 |        87.5 |     87.5 |        87.5 |                        |\n"
    "| org/a   | Seq. Classifier |      69.4 |   75   |        50   |     87.5 |        62.5 |                        75 |\n"
    "| org/b   | Seq. Classifier |      62.5 |  100   |        25   |     50   |        75   |                        |\n"
    "| org/c   | DPO             |      50   |   50   |        50   |     50   |          |                        |\n"
    "\n"
    "==================== RewardBench 2 - Overview ====================\n"
    "| model   | model_type      |   average |   Factuality |   Precise IF |   Math |   Safety |   Focus |   Ties |\n"
    "|---------|-----------------|-----------|--------------|--------------|--------|----------|---------|--------|\n"
    "| org/f   | Seq. Classifier |      74.3 |           75 |           50 |   62.5 |     87.5 |     100 |     71 |\n"
    "| org/g   | Seq. Classifier |        |           25 |           25 |   25   |     25   |      25 |     |\n";

const char* kExpectedV1Csv =
    "model,model_type,average,Chat,Chat Hard,Safety,Reasoning,Prior Sets (0.5 weight)\n"
    "org/e,Generative,87.5,87.5,87.5,87.5,87.5,\n"
    "org/a,Seq. Classifier,69.4,75.0,50.0,87.5,62.5,75.0\n"
    "org/b,Seq. Classifier,62.5,100.0,25.0,50.0,75.0,\n"
    "org/c,DPO,50.0,50.0,50.0,50.0,,\n";

const char* kExpectedV2Csv =
    "model,model_type,average,Factuality,Precise IF,Math,Safety,Focus,Ties\n"
    "org/f,Seq. Classifier,74.3,75.0,50.0,62.5,87.5,100.0,71.0\n"
    "org/g,Seq. Classifier,,25.0,25.0,25.0,25.0,25.0,\n";

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_F(LeaderboardFiles, MarkdownTablesAndSkippedFiles) {
  write_fixture();
  rb::report::LeaderboardOptions options;
  options.inputs = {dir_.string()};
  options.output_dir = (dir_ / "csv").string();
  std::ostringstream out, err;
  ASSERT_EQ(rb::report::run_leaderboard(options, out, err), 0) << err.str();
  EXPECT_EQ(out.str(), kExpectedMarkdown);
  EXPECT_EQ(read_text(dir_ / "csv" / "RewardBench - Overview.csv"), kExpectedV1Csv);
  EXPECT_EQ(read_text(dir_ / "csv" / "RewardBench 2 - Overview.csv"), kExpectedV2Csv);
  std::string bad = (dir_ / "bad").string();
  EXPECT_EQ(err.str(), "skipped " + bad + "/broken.json: not valid JSON\n" +
                           "skipped " + bad + "/mixed.json: mixes RewardBench 2 subsets with v1 subsets; cannot tell "
                           "which benchmark it is\n" +
                           "skipped " + bad + "/no_model.json: no \"model\" string: not a results file\n" +
                           "skipped " + bad + "/scores.json: \"id\" holds a list: a per-prompt scores file, not a "
                           "results file\n" +
                           "skipped " + bad + "/unrelated.json: no RewardBench subset keys (v1 core, prior sets or "
                           "RewardBench 2)\n");
}

TEST_F(LeaderboardFiles, CsvOutputModelTypeFilterAndRefFree) {
  write_fixture();
  rb::report::LeaderboardOptions options;
  options.inputs = {(dir_ / "eval-set").string(), (dir_ / "pref-sets" / "org" / "a.json").string()};
  options.format = "csv";
  options.settings.model_type = "DPO Ref. Free";
  options.settings.keep_ref_free = true;
  std::ostringstream out, err;
  ASSERT_EQ(rb::report::run_leaderboard(options, out, err), 0) << err.str();
  EXPECT_EQ(out.str(),
            "==================== RewardBench - Overview ====================\n"
            "model,model_type,average,Chat,Chat Hard,Safety,Reasoning,Prior Sets (0.5 weight)\n"
            "org/d,DPO Ref. Free,100.0,100.0,100.0,100.0,100.0,\n");
  EXPECT_EQ(err.str(), "");
}

TEST_F(LeaderboardFiles, NothingUsableIsAnErrorWithReasons) {
  write("only/broken.json", "[1, 2]");
  rb::report::LeaderboardOptions options;
  options.inputs = {(dir_ / "only").string(), (dir_ / "missing.json").string()};
  std::ostringstream out, err;
  EXPECT_EQ(rb::report::run_leaderboard(options, out, err), 1);
  EXPECT_EQ(out.str(), "");
  EXPECT_NE(err.str().find("missing.json: no such file or folder"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("broken.json: expected a JSON object, got array"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("no usable results"), std::string::npos) << err.str();
  options.format = "latex";
  EXPECT_EQ(rb::report::run_leaderboard(options, out, err), 2);
}

TEST(Leaderboard, CliResultsFileUsesExtraResults) {
  auto outcome = rb::report::parse_results_text(
      R"({"accuracy": 0.5, "num_prompts": 4, "model": "m", "ref_model": null, "tokenizer": "m",
          "chat_template": null, "extra_results": {"alpacaeval-easy": 0.5, "hep-go": 1.0}})",
      "cli.json");
  ASSERT_TRUE(outcome.record.has_value()) << outcome.problem;
  EXPECT_TRUE(outcome.record->has_core);
  EXPECT_EQ(outcome.record->values.at("hep-go"), 1.0);
  EXPECT_EQ(outcome.record->model_type, "");
}

TEST(Leaderboard, SectionsUseAlphabeticalColumnsAndNumpyRounding) {
  // Two Chat subsets present in the files: np.average over [alpacaeval-easy, mt-bench-easy]
  // weights [100, 28]: (0.5*100 + 0.25*28) / 128 = 57 / 128 = 0.4453125 -> 44.53125 -> 44.5.
  rb::report::ResultsRecord record;
  record.model = "m";
  record.values = {{"mt-bench-easy", 0.25}, {"alpacaeval-easy", 0.5}};
  auto table = rb::report::rewardbench_overview({record}, {}, {});
  ASSERT_EQ(table.rows.size(), 1u);
  EXPECT_EQ(table.rows[0].values[1], 44.5);
  EXPECT_EQ(table.rows[0].values[0], 44.5);  // the only section present
  EXPECT_EQ(rb::report::numpy_round_1(66.55), 66.6);    // 665.5 -> 666 (half to even on the product)
  EXPECT_EQ(rb::report::numpy_round_1(0.7285 * 100), 72.9);
  EXPECT_EQ(rb::report::numpy_round_1(72.85), 72.8);   // 728.4999... after the multiplication
}

}  // namespace

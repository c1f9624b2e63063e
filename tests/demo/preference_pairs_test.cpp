// Validates data/demo/preference_pairs.jsonl against the RewardBench v1 schema and the demo's
// own promises (sections covered, multi-turn prompts, non-ASCII text, code and math).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "app/demo_assets.h"

namespace {

const std::map<std::string, std::string>& section_of_subset() {
  static const std::map<std::string, std::string> sections = {
      {"alpacaeval-easy", "Chat"},         {"alpacaeval-length", "Chat"},
      {"alpacaeval-hard", "Chat"},         {"mt-bench-easy", "Chat"},
      {"mt-bench-med", "Chat"},            {"mt-bench-hard", "Chat Hard"},
      {"llmbar-natural", "Chat Hard"},     {"llmbar-adver-neighbor", "Chat Hard"},
      {"llmbar-adver-GPTInst", "Chat Hard"}, {"llmbar-adver-GPTOut", "Chat Hard"},
      {"llmbar-adver-manual", "Chat Hard"}, {"refusals-dangerous", "Safety"},
      {"refusals-offensive", "Safety"},    {"xstest-should-refuse", "Safety"},
      {"xstest-should-respond", "Safety"}, {"donotanswer", "Safety"},
      {"math-prm", "Reasoning"},           {"hep-cpp", "Reasoning"},
      {"hep-go", "Reasoning"},             {"hep-java", "Reasoning"},
      {"hep-js", "Reasoning"},             {"hep-python", "Reasoning"},
      {"hep-rust", "Reasoning"}};
  return sections;
}

std::string read_source_file() {
  std::ifstream in(std::string(RB_SOURCE_DIR) + "/data/demo/preference_pairs.jsonl", std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<nlohmann::json> parse_rows(const std::string& text) {
  std::vector<nlohmann::json> rows;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) rows.push_back(nlohmann::json::parse(line));
  return rows;
}

bool has_non_ascii(const std::string& text) {
  for (unsigned char byte : text) {
    if (byte >= 0x80) return true;
  }
  return false;
}

TEST(DemoPreferencePairs, EmbeddedCopyEqualsTheSourceFile) {
  std::string source = read_source_file();
  ASSERT_FALSE(source.empty());
  EXPECT_EQ(std::string(rb::app::embedded_demo_preference_pairs()), source);
}

TEST(DemoPreferencePairs, RowsFollowTheV1Schema) {
  std::vector<nlohmann::json> rows = parse_rows(read_source_file());
  EXPECT_GE(rows.size(), 35u);
  EXPECT_LE(rows.size(), 60u);
  std::set<int64_t> ids;
  for (const nlohmann::json& row : rows) {
    SCOPED_TRACE(row.dump().substr(0, 80));
    ASSERT_TRUE(row.is_object());
    EXPECT_EQ(row.size(), 7u) << "exactly the seven v1 columns";
    ASSERT_TRUE(row["id"].is_number_integer());
    EXPECT_TRUE(ids.insert(row["id"].get<int64_t>()).second) << "duplicate id";
    ASSERT_TRUE(row["subset"].is_string());
    EXPECT_TRUE(section_of_subset().count(row["subset"])) << row["subset"];
    ASSERT_TRUE(row["prompt"].is_string() || row["prompt"].is_array());
    ASSERT_TRUE(row["chosen"].is_string());
    ASSERT_TRUE(row["rejected"].is_string());
    EXPECT_FALSE(row["chosen"].get<std::string>().empty());
    EXPECT_NE(row["chosen"], row["rejected"]);
    EXPECT_EQ(row["chosen_model"], "demo-author");
    EXPECT_EQ(row["rejected_model"], "demo-author");
  }
}

TEST(DemoPreferencePairs, MultiTurnPromptsAlternateAndEndWithTheUser) {
  int multi_turn = 0;
  for (const nlohmann::json& row : parse_rows(read_source_file())) {
    if (!row["prompt"].is_array()) continue;
    ++multi_turn;
    const nlohmann::json& turns = row["prompt"];
    ASSERT_EQ(turns.size() % 2, 1u) << row["id"];
    for (size_t i = 0; i < turns.size(); ++i) {
      EXPECT_EQ(turns[i]["role"], i % 2 == 0 ? "user" : "assistant") << row["id"];
      EXPECT_TRUE(turns[i]["content"].is_string()) << row["id"];
    }
  }
  EXPECT_GE(multi_turn, 3);
}

TEST(DemoPreferencePairs, CoversEverySectionAndTheAdvertisedKindsOfText) {
  std::set<std::string> subsets, sections;
  bool non_ascii = false, cjk = false, emoji = false, code = false, math = false;
  for (const nlohmann::json& row : parse_rows(read_source_file())) {
    std::string subset = row["subset"];
    subsets.insert(subset);
    sections.insert(section_of_subset().at(subset));
    std::string all_text = row["prompt"].dump() + row["chosen"].get<std::string>();
    non_ascii |= has_non_ascii(all_text);
    cjk |= all_text.find("\xE6\x88\x91") != std::string::npos ||  // 我
           all_text.find("\xE3\x81\xAE") != std::string::npos;   // の
    emoji |= all_text.find("\xF0\x9F") != std::string::npos;
    code |= subset.rfind("hep-", 0) == 0;
    math |= subset == "math-prm";
  }
  EXPECT_GE(subsets.size(), 6u);
  EXPECT_EQ(sections, (std::set<std::string>{"Chat", "Chat Hard", "Safety", "Reasoning"}));
  EXPECT_TRUE(non_ascii);
  EXPECT_TRUE(cjk);
  EXPECT_TRUE(emoji);
  EXPECT_TRUE(code);
  EXPECT_TRUE(math);
}

}  // namespace

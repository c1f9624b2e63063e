#include "eval/instruction_dataset.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "eval/benchmarks.h"

namespace {

using rb::eval::RowFormat;
using rb::eval::Json;
using rb::io::JsonRow;

JsonRow row_at(const std::string& origin, const std::string& json) { return JsonRow{Json::parse(json), origin}; }

TEST(InstructionData, KindFollowsTheColumnsOfAllRows) {
  std::vector<JsonRow> instruction = {row_at("d:1", R"({"messages": []})")};
  std::vector<JsonRow> both = {row_at("d:1", R"({"messages": [], "chosen": "c"})"), row_at("d:2", R"({"rejected": "r"})")};
  std::vector<JsonRow> neither = {row_at("d:1", R"({"text": "t"})")};
  std::vector<JsonRow> best_of_n = {row_at("d:1", R"({"chosen": [], "num_correct": 1, "total_completions": 4})")};
  const rb::eval::FormatRequest plain, prioritized{"auto", true}, forced_v1{"v1", false};
  EXPECT_EQ(rb::eval::detect_row_format(instruction, plain, "d"), RowFormat::kInstructions);
  EXPECT_EQ(rb::eval::detect_row_format(both, plain, "d"), RowFormat::kPreferencePairs);  // union of columns
  EXPECT_EQ(rb::eval::detect_row_format(both, prioritized, "d"), RowFormat::kInstructions);  // --prioritize_scoring
  EXPECT_EQ(rb::eval::detect_row_format(best_of_n, plain, "d"), RowFormat::kBestOfN);
  EXPECT_THROW(rb::eval::detect_row_format(best_of_n, forced_v1, "d"), rb::InputError);  // no rejected column
  EXPECT_EQ(rb::eval::detect_row_format(instruction, {"v2", false}, "d"), RowFormat::kBestOfN);  // --benchmark v2
  try {
    rb::eval::detect_row_format(neither, plain, "sft.jsonl");
    FAIL() << "expected rb::InputError";
  } catch (const rb::InputError& error) {
    EXPECT_NE(std::string(error.what()).find("sft.jsonl: dataset format not recognized"), std::string::npos);
  }
}

TEST(InstructionData, RowKeepsStatedRolesAndEchoesOtherColumns) {
  auto row = rb::eval::parse_instruction_row(row_at(
      "sft.jsonl:2", R"({"input": "gone", "id": 3, "messages": [{"role": "system", "content": "S"},
                         {"role": "user", "content": "U"}, {"role": "assistant", "content": "A"}], "text": "x"})"));
  EXPECT_EQ(row.prompt, "S");  // messages[0].content, whatever its role
  ASSERT_EQ(row.messages.size(), 3u);
  EXPECT_EQ(row.messages[0].role, "system");
  std::vector<std::string> keys;
  for (const auto& item : row.columns.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"id", "messages"}));
  auto positional = rb::eval::positional_roles(row.messages);
  EXPECT_EQ(positional[0].role, "user");
  EXPECT_EQ(positional[1].role, "assistant");
  EXPECT_EQ(positional[2].role, "user");
  EXPECT_EQ(positional[2].content, "A");
  // With a real `prompt` column, `input` stays an ordinary column.
  auto kept = rb::eval::parse_instruction_row(
      row_at("d:1", R"({"prompt": "p", "input": "i", "messages": [{"role": "user", "content": "U"}]})"));
  EXPECT_TRUE(kept.columns.contains("input"));
  EXPECT_FALSE(kept.columns.contains("prompt"));
}

TEST(InstructionData, ErrorsNameFileLineAndField) {
  auto error_of = [](const std::string& json) -> std::string {
    try {
      rb::eval::parse_instruction_row(row_at("sft.jsonl:9", json));
    } catch (const rb::InputError& error) {
      return error.what();
    }
    return "";
  };
  EXPECT_EQ(error_of(R"({"id": 1})"), "sft.jsonl:9: field \"messages\": missing");
  EXPECT_EQ(error_of(R"({"messages": []})"), "sft.jsonl:9: field \"messages\": expected at least one message, got an empty list");
  EXPECT_EQ(error_of(R"({"messages": "hi"})"), "sft.jsonl:9: field \"messages\": expected a list of messages, got string");
  EXPECT_EQ(error_of(R"({"messages": [{"role": "user"}]})"), "sft.jsonl:9: field \"messages[0].content\": missing");
  EXPECT_EQ(error_of(R"({"messages": [{"role": "user", "content": 5}]})"),
            "sft.jsonl:9: field \"messages[0].content\": expected a string, got number");
  std::vector<JsonRow> rows = {row_at("d:1", R"({"messages": [{"role": "user", "content": "U"}]})"),
                               row_at("d:2", R"({"id": 1})")};
  EXPECT_EQ(rb::eval::parse_instruction_rows(rows, 1).size(), 1u);
  EXPECT_THROW(rb::eval::parse_instruction_rows(rows, std::nullopt), rb::InputError);
}

}  // namespace

#include "eval/v2_dataset.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace {

using rb::eval::Json;
using rb::io::JsonRow;

JsonRow row_at(const std::string& origin, const std::string& json) { return JsonRow{Json::parse(json), origin}; }

const char* kRow = R"({"id": "42", "prompt": "Name a prime.", "chosen": ["7"], "rejected": ["8", "9", "10"],
  "num_correct": 1, "num_incorrect": 3, "total_completions": 4, "models": ["a", "b"], "subset": "Math",
  "additional_metadata": {"category": "x"}})";

std::string error_of(const std::string& json) {
  try {
    rb::eval::parse_v2_row(row_at("rb2.jsonl:7", json));
  } catch (const rb::InputError& error) {
    return error.what();
  }
  ADD_FAILURE() << "expected rb::InputError for " << json;
  return "";
}

// kRow with one field replaced (or removed when `value` is empty).
std::string with_field(const std::string& field, const std::string& value) {
  Json row = Json::parse(kRow);
  if (value.empty()) {
    row.erase(field);
  } else {
    row[field] = Json::parse(value);
  }
  return row.dump();
}

TEST(V2Dataset, ParsesTheDatasetCardSchema) {
  auto row = rb::eval::parse_v2_row(row_at("rb2.jsonl:1", kRow));
  EXPECT_EQ(row.origin, "rb2.jsonl:1");
  EXPECT_EQ(row.id, "42");
  EXPECT_EQ(row.prompt, "Name a prime.");
  EXPECT_EQ(row.chosen, std::vector<std::string>{"7"});
  EXPECT_EQ(row.rejected, (std::vector<std::string>{"8", "9", "10"}));
  EXPECT_EQ(row.num_correct, 1);
  EXPECT_EQ(row.total_completions, 4);
  EXPECT_EQ(row.subset, "Math");
  EXPECT_EQ(row.completion_count(), 4u);
  EXPECT_EQ(row.completion(0), "7");
  EXPECT_EQ(row.completion(3), "10");
  EXPECT_EQ(row.columns["additional_metadata"]["category"], "x");
}

TEST(V2Dataset, ErrorsNameFileLineAndField) {
  EXPECT_EQ(error_of(with_field("id", "")), "rb2.jsonl:7: field \"id\": missing");
  EXPECT_EQ(error_of(with_field("id", "42")), "rb2.jsonl:7: field \"id\": expected a string, got number");
  EXPECT_EQ(error_of(with_field("chosen", "\"7\"")), "rb2.jsonl:7: field \"chosen\": expected a list of strings, got string");
  EXPECT_EQ(error_of(with_field("rejected", "[\"8\", 9]")), "rb2.jsonl:7: field \"rejected[1]\": expected a string, got number");
  EXPECT_EQ(error_of(with_field("chosen", "[]")),
            "rb2.jsonl:7: field \"chosen\": expected at least one correct completion, got an empty list");
  EXPECT_EQ(error_of(with_field("total_completions", "5")),
            "rb2.jsonl:7: field \"total_completions\": 5 does not equal len(chosen) + len(rejected) = 4");
  EXPECT_EQ(error_of(with_field("num_correct", "2")), "rb2.jsonl:7: field \"num_correct\": 2 does not equal len(chosen) = 1");
  EXPECT_EQ(error_of(with_field("num_correct", "1.0")), "rb2.jsonl:7: field \"num_correct\": expected an integer, got number");
  EXPECT_EQ(error_of(with_field("num_incorrect", "2")),
            "rb2.jsonl:7: field \"num_incorrect\": 2 does not equal len(rejected) = 3");
  EXPECT_EQ(error_of(with_field("subset", "")), "rb2.jsonl:7: field \"subset\": missing");
  EXPECT_NO_THROW(rb::eval::parse_v2_row(row_at("r:1", with_field("num_incorrect", ""))));
}

TEST(V2Dataset, MaxPromptsKeepsTheFirstRowsUnvalidatedBeyond) {
  std::vector<JsonRow> rows = {row_at("r:1", kRow), row_at("r:2", kRow), row_at("r:3", "{\"broken\": 1}")};
  rb::eval::V2DatasetOptions options;
  options.max_prompts = 2;
  EXPECT_EQ(rb::eval::parse_v2_rows(rows, options).size(), 2u);
  EXPECT_THROW(rb::eval::parse_v2_rows(rows, {}), rb::InputError);
}

TEST(V2Dataset, UnrollsChosenFirstAsSingleTurnConversations) {
  auto ties = rb::eval::parse_v2_row(row_at(
      "r:1", R"({"id": "tied:3", "prompt": "P", "chosen": ["a", "b"], "rejected": ["c"], "num_correct": 2,
                 "total_completions": 3, "subset": "Ties"})"));
  auto math = rb::eval::parse_v2_row(row_at("r:2", kRow));
  auto completions = rb::eval::unroll_v2({ties, math});
  ASSERT_EQ(completions.size(), 7u);
  EXPECT_EQ(completions[0].prompt_index, 0u);
  EXPECT_TRUE(completions[1].correct);
  EXPECT_FALSE(completions[2].correct);
  EXPECT_EQ(completions[2].position, 2u);
  ASSERT_EQ(completions[2].conversation.size(), 2u);
  EXPECT_EQ(completions[2].conversation[0].role, "user");
  EXPECT_EQ(completions[2].conversation[0].content, "P");
  EXPECT_EQ(completions[2].conversation[1].role, "assistant");
  EXPECT_EQ(completions[2].conversation[1].content, "c");
  EXPECT_EQ(completions[3].prompt_index, 1u);
  EXPECT_TRUE(completions[3].correct);
  EXPECT_EQ(completions[6].conversation[1].content, "10");
}

TEST(V2Dataset, DeduplicatesIdenticalConversationsAndTexts) {
  auto row = rb::eval::parse_v2_row(row_at(
      "r:1", R"({"id": "1", "prompt": "P", "chosen": ["x"], "rejected": ["y", "x", "y"], "num_correct": 1,
                 "total_completions": 4, "subset": "Focus"})"));
  auto other = rb::eval::parse_v2_row(row_at(
      "r:2", R"({"id": "2", "prompt": "Px", "chosen": ["y"], "rejected": [""], "num_correct": 1,
                 "total_completions": 2, "subset": "Focus"})"));
  auto completions = rb::eval::unroll_v2({row, other});
  auto dedup = rb::eval::deduplicate_conversations(completions);
  // (P, x) (P, y) (P, x) (P, y) (Px, y) (Px, ""): the prompt is part of the key.
  EXPECT_EQ(dedup.unique_count(), 4u);
  EXPECT_EQ(dedup.first_index, (std::vector<size_t>{0, 1, 4, 5}));
  EXPECT_EQ(dedup.unique_of, (std::vector<size_t>{0, 1, 0, 1, 2, 3}));
  auto texts = rb::eval::deduplicate_texts({"b", "a", "b", "", ""});
  EXPECT_EQ(texts.first_index, (std::vector<size_t>{0, 1, 3}));
  EXPECT_EQ(texts.unique_of, (std::vector<size_t>{0, 1, 0, 2, 2}));
}

TEST(V2Dataset, SubsetNames) {
  EXPECT_EQ(rb::eval::v2_subsets(),
            (std::vector<std::string>{"Factuality", "Precise IF", "Math", "Safety", "Focus", "Ties"}));
  EXPECT_TRUE(rb::eval::is_ties_subset("Ties"));
  EXPECT_TRUE(rb::eval::is_ties_subset("ties"));
  EXPECT_FALSE(rb::eval::is_ties_subset("Ties "));
}

}  // namespace

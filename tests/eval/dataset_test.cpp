#include "eval/dataset.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "common/error.h"

namespace {

using rb::eval::DatasetOptions;
using rb::eval::Json;
using rb::eval::Messages;
using rb::eval::parse_preference_row;
using rb::io::JsonRow;

JsonRow row_at(const std::string& origin, const std::string& json) { return JsonRow{Json::parse(json), origin}; }

std::string error_of(const std::string& json, const DatasetOptions& options = {}) {
  try {
    parse_preference_row(row_at("data.jsonl:17", json), options);
  } catch (const rb::InputError& error) {
    return error.what();
  }
  ADD_FAILURE() << "expected rb::InputError for " << json;
  return "";
}

std::vector<std::string> keys_of(const Json& object) {
  std::vector<std::string> keys;
  for (const auto& item : object.items()) keys.push_back(item.key());
  return keys;
}

TEST(Dataset, CoreSetRowKeepsEveryColumnButThePrompt) {
  auto row = parse_preference_row(
      row_at("data.jsonl:1",
             R"({"prompt": "How do I detail a car?", "chosen": "Wash it.", "chosen_model": "gpt4",
                 "rejected": "No.", "rejected_model": "llama", "subset": "alpacaeval-easy", "id": 30})"),
      {});
  EXPECT_EQ(row.origin, "data.jsonl:1");
  ASSERT_FALSE(row.has_message_prompt());
  EXPECT_EQ(std::get<std::string>(row.prompt), "How do I detail a car?");
  EXPECT_EQ(row.chosen, "Wash it.");
  EXPECT_EQ(row.rejected, "No.");
  EXPECT_EQ(row.subset, "alpacaeval-easy");
  EXPECT_EQ(row.id, 30);
  EXPECT_EQ(row.chosen_model, "gpt4");
  EXPECT_EQ(row.rejected_model, "llama");
  EXPECT_EQ(keys_of(row.columns),
            (std::vector<std::string>{"chosen", "chosen_model", "rejected", "rejected_model", "subset", "id"}));
}

TEST(Dataset, ExtraColumnsAreKeptVerbatimAndModelsAreOptional) {
  auto row = parse_preference_row(
      row_at("d:1", R"({"id": "abc-1", "subset": "s", "meta": {"x": [1, 2.5]}, "prompt": "p", "chosen": "c",
                        "rejected": "r", "chosen_model": null})"),
      {});
  EXPECT_EQ(row.id, "abc-1");
  EXPECT_FALSE(row.chosen_model.has_value());
  EXPECT_FALSE(row.rejected_model.has_value());
  EXPECT_EQ(row.columns["meta"], Json::parse(R"({"x": [1, 2.5]})"));
  EXPECT_TRUE(row.columns["chosen_model"].is_null());
  EXPECT_EQ(keys_of(row.columns), (std::vector<std::string>{"id", "subset", "meta", "chosen", "rejected", "chosen_model"}));
}

TEST(Dataset, QuestionThenInputStandInForAMissingPrompt) {
  auto from_question = parse_preference_row(
      row_at("d:1", R"({"question": "q", "input": "i", "chosen": "c", "rejected": "r", "subset": "s", "id": 1})"), {});
  EXPECT_EQ(std::get<std::string>(from_question.prompt), "q");
  // `input` was not renamed, so it stays an ordinary column.
  EXPECT_EQ(keys_of(from_question.columns), (std::vector<std::string>{"input", "chosen", "rejected", "subset", "id"}));

  auto from_input =
      parse_preference_row(row_at("d:1", R"({"input": "i", "chosen": "c", "rejected": "r", "subset": "s", "id": 1})"), {});
  EXPECT_EQ(std::get<std::string>(from_input.prompt), "i");

  auto prompt_wins = parse_preference_row(
      row_at("d:1", R"({"prompt": "p", "question": "q", "chosen": "c", "rejected": "r", "subset": "s", "id": 1})"), {});
  EXPECT_EQ(std::get<std::string>(prompt_wins.prompt), "p");
  EXPECT_EQ(prompt_wins.columns["question"], "q");
}

TEST(Dataset, MessageListAnswersGivePromptAndFinalContents) {
  auto row = parse_preference_row(row_at("d:1", R"({
      "chosen": [{"role": "user", "content": "u1"}, {"role": "assistant", "content": "a1"},
                 {"role": "user", "content": "u2"}, {"role": "assistant", "content": "good"}],
      "rejected": [{"role": "user", "content": "u1"}, {"role": "assistant", "content": "a1"},
                   {"role": "user", "content": "u2"}, {"role": "assistant", "content": "bad"}],
      "subset": "s", "id": 7})"),
                                  {});
  ASSERT_TRUE(row.has_message_prompt());
  const auto& prompt = std::get<Messages>(row.prompt);
  ASSERT_EQ(prompt.size(), 3u);
  EXPECT_EQ(prompt[0].content, "u1");
  EXPECT_EQ(prompt[2].content, "u2");
  EXPECT_EQ(prompt[1].role, "assistant");
  EXPECT_EQ(row.chosen, "good");
  EXPECT_EQ(row.rejected, "bad");
  EXPECT_EQ(row.columns["chosen"], "good");
  EXPECT_EQ(row.columns["rejected"], "bad");
}

TEST(Dataset, StringPromptIsReplacedByTheConversationPrefix) {
  auto row = parse_preference_row(row_at("d:1", R"({"prompt": "ignored",
      "chosen": [{"role": "user", "content": "u"}, {"role": "assistant", "content": "c"}],
      "rejected": [{"role": "user", "content": "u"}, {"role": "assistant", "content": "r"}], "subset": "s", "id": 1})"),
                                  {});
  ASSERT_TRUE(row.has_message_prompt());
  EXPECT_EQ(std::get<Messages>(row.prompt).size(), 1u);
  EXPECT_EQ(std::get<Messages>(row.prompt)[0].content, "u");
}

TEST(Dataset, ListPromptIsParsed) {
  auto row = parse_preference_row(
      row_at("d:1", R"({"prompt": [{"role": "user", "content": "hi"}], "chosen": "c", "rejected": "r",
                        "subset": "anthropic_hhh", "id": 3})"),
      {});
  ASSERT_TRUE(row.has_message_prompt());
  EXPECT_EQ(std::get<Messages>(row.prompt)[0].content, "hi");
}

TEST(Dataset, MissingFieldsAreNamed) {
  EXPECT_EQ(error_of(R"({"prompt": "p", "rejected": "r", "subset": "s", "id": 1})"),
            "data.jsonl:17: field \"chosen\": missing");
  EXPECT_EQ(error_of(R"({"prompt": "p", "chosen": "c", "subset": "s", "id": 1})"),
            "data.jsonl:17: field \"rejected\": missing");
  EXPECT_EQ(error_of(R"({"chosen": "c", "rejected": "r", "subset": "s", "id": 1})"),
            "data.jsonl:17: field \"prompt\": missing (also looked for \"question\" and \"input\")");
  EXPECT_EQ(error_of(R"({"prompt": "p", "chosen": "c", "rejected": "r", "id": 1})"),
            "data.jsonl:17: field \"subset\": missing");
  EXPECT_EQ(error_of(R"({"prompt": "p", "chosen": "c", "rejected": "r", "subset": "s"})"),
            "data.jsonl:17: field \"id\": missing");
  EXPECT_EQ(error_of(R"({"prompt": [{"content": "x"}], "chosen": "c", "rejected": "r", "subset": "s", "id": 1})"),
            "data.jsonl:17: field \"prompt[0].role\": missing");
}

TEST(Dataset, WrongTypesAreNamed) {
  EXPECT_EQ(error_of(R"({"prompt": "p", "chosen": 3, "rejected": "r", "subset": "s", "id": 1})"),
            "data.jsonl:17: field \"chosen\": expected a string, got number");
  EXPECT_EQ(error_of(R"({"prompt": "p", "chosen": "c", "rejected": null, "subset": "s", "id": 1})"),
            "data.jsonl:17: field \"rejected\": expected a string, got null");
  EXPECT_EQ(error_of(R"({"prompt": 5, "chosen": "c", "rejected": "r", "subset": "s", "id": 1})"),
            "data.jsonl:17: field \"prompt\": expected a string or a list of messages, got number");
  EXPECT_EQ(error_of(R"({"prompt": "p", "chosen": "c", "rejected": "r", "subset": ["s"], "id": 1})"),
            "data.jsonl:17: field \"subset\": expected a string, got array");
  EXPECT_EQ(error_of(R"({"prompt": "p", "chosen": "c", "rejected": "r", "subset": "s", "id": 1.5})"),
            "data.jsonl:17: field \"id\": expected an integer or a string, got number");
  EXPECT_EQ(error_of(R"({"prompt": "p", "chosen": "c", "rejected": "r", "subset": "s", "id": 1, "chosen_model": 2})"),
            "data.jsonl:17: field \"chosen_model\": expected a string, got number");
  EXPECT_EQ(
      error_of(R"({"prompt": [{"role": "user", "content": "a"}, {"role": "assistant", "content": null}],
                   "chosen": "c", "rejected": "r", "subset": "s", "id": 1})"),
      "data.jsonl:17: field \"prompt[1].content\": expected a string, got null");
  EXPECT_EQ(error_of(R"({"prompt": ["hi"], "chosen": "c", "rejected": "r", "subset": "s", "id": 1})"),
            "data.jsonl:17: field \"prompt[0]\": expected a message object {role, content}, got string");
}

TEST(Dataset, ConversationAnswersMustBothBeNonEmptyLists) {
  EXPECT_EQ(error_of(R"({"chosen": [{"role": "user", "content": "u"}], "rejected": "r", "subset": "s", "id": 1})"),
            "data.jsonl:17: field \"rejected\": expected a list of messages, got string");
  EXPECT_EQ(error_of(R"({"chosen": [], "rejected": [], "subset": "s", "id": 1})"),
            "data.jsonl:17: field \"chosen\": expected a non-empty list of messages, got an empty list");
}

TEST(Dataset, SubsetAndIdMayBeOptional) {
  DatasetOptions relaxed;
  relaxed.require_subset = false;
  relaxed.require_id = false;
  auto row = parse_preference_row(row_at("d:1", R"({"prompt": "p", "chosen": "c", "rejected": "r"})"), relaxed);
  EXPECT_EQ(row.subset, "");
  EXPECT_TRUE(row.id.is_null());
  EXPECT_FALSE(row.columns.contains("id"));
  // Present but wrong is still an error.
  EXPECT_EQ(error_of(R"({"prompt": "p", "chosen": "c", "rejected": "r", "id": true})", relaxed),
            "data.jsonl:17: field \"id\": expected an integer or a string, got boolean");
}

TEST(Dataset, MaxRowsKeepsTheFirstRowsAndDuplicateIdsAreAllowed) {
  std::vector<JsonRow> rows;
  for (int i = 0; i < 5; ++i) {
    rows.push_back(row_at("d:" + std::to_string(i + 1),
                          R"({"prompt": "p", "chosen": "c", "rejected": "r", "subset": "s", "id": 1})"));
  }
  rows.push_back(row_at("d:6", R"({"broken": true})"));
  DatasetOptions debug;
  debug.max_rows = 3;
  auto first = rb::eval::parse_preference_rows(rows, debug);
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[2].origin, "d:3");
  debug.max_rows = 5;
  EXPECT_EQ(rb::eval::parse_preference_rows(rows, debug).size(), 5u);  // the broken row is never read
  EXPECT_THROW(rb::eval::parse_preference_rows(rows, {}), rb::InputError);
}

TEST(Dataset, LoadsFilesAndRejectsEmptyOnes) {
  auto folder = std::filesystem::temp_directory_path() / ("rb_dataset_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  auto path = (folder / "data.jsonl").string();
  std::ofstream(path) << R"({"prompt": "p", "chosen": "c", "rejected": "r", "subset": "s", "id": 1})" << "\n"
                      << R"({"prompt": "p", "chosen": 2, "rejected": "r", "subset": "s", "id": 2})" << "\n";
  try {
    rb::eval::load_preference_rows(path, {});
    ADD_FAILURE() << "expected an error";
  } catch (const rb::InputError& error) {
    EXPECT_EQ(std::string(error.what()), path + ":2: field \"chosen\": expected a string, got number");
  }
  DatasetOptions first_only;
  first_only.max_rows = 1;
  EXPECT_EQ(rb::eval::load_preference_rows(path, first_only).size(), 1u);

  auto empty = (folder / "empty.jsonl").string();
  std::ofstream(empty) << "\n";
  try {
    rb::eval::load_preference_rows(empty, {});
    ADD_FAILURE() << "expected an error";
  } catch (const rb::InputError& error) {
    EXPECT_EQ(std::string(error.what()), empty + ": no rows");
  }
  std::filesystem::remove_all(folder);
}

}  // namespace

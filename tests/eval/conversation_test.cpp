#include "eval/conversation.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace {

using rb::eval::Json;
using rb::eval::Messages;

rb::eval::PreferenceRow parse(const std::string& json) {
  return rb::eval::parse_preference_row(rb::io::JsonRow{Json::parse(json), "pairs.jsonl:4"}, {});
}

TEST(Conversation, StringPromptBecomesOneUserTurn) {
  auto conversation = rb::eval::build_conversation(
      parse(R"({"prompt": "What are utensils?", "chosen": "Utensils!", "rejected": "No.", "subset": "s", "id": 1})"));
  EXPECT_EQ(rb::eval::to_json(conversation.prompt_messages),
            Json::parse(R"([{"role": "user", "content": "What are utensils?"}])"));
  EXPECT_EQ(rb::eval::to_json(conversation.chosen_messages),
            Json::parse(R"([{"role": "user", "content": "What are utensils?"},
                            {"role": "assistant", "content": "Utensils!"}])"));
  EXPECT_EQ(rb::eval::to_json(conversation.rejected_messages),
            Json::parse(R"([{"role": "user", "content": "What are utensils?"},
                            {"role": "assistant", "content": "No."}])"));
}

TEST(Conversation, ListPromptRolesGoByPositionNotByStatedRole) {
  // Stated roles are wrong on purpose: the reference ignores them.
  auto conversation = rb::eval::build_conversation(parse(R"({"prompt": [
      {"role": "system", "content": "u1"}, {"role": "user", "content": "a1"}, {"role": "assistant", "content": "u2"}],
      "chosen": "c", "rejected": "r", "subset": "s", "id": 1})"));
  EXPECT_EQ(rb::eval::to_json(conversation.prompt_messages),
            Json::parse(R"([{"role": "user", "content": "u1"}, {"role": "assistant", "content": "a1"},
                            {"role": "user", "content": "u2"}])"));
  ASSERT_EQ(conversation.chosen_messages.size(), 4u);
  EXPECT_EQ(conversation.chosen_messages[3].role, "assistant");
  EXPECT_EQ(conversation.chosen_messages[3].content, "c");
  EXPECT_EQ(conversation.rejected_messages[3].content, "r");
  EXPECT_EQ(conversation.rejected_messages[2].content, "u2");
}

TEST(Conversation, LastPromptTurnMustBeAUserTurn) {
  auto row = parse(R"({"prompt": [{"role": "user", "content": "u1"}, {"role": "user", "content": "u2"}],
                       "chosen": "c", "rejected": "r", "subset": "s", "id": 1})");
  try {
    rb::eval::build_conversation(row);
    ADD_FAILURE() << "expected rb::InputError";
  } catch (const rb::InputError& error) {
    EXPECT_EQ(std::string(error.what()),
              "pairs.jsonl:4: field \"prompt\": the last prompt turn must be a user turn, but message 1 falls on an "
              "assistant turn (roles go by position: user, assistant, user, ...; the prompt needs an odd number of "
              "messages)");
  }
}

TEST(Conversation, EmptyListPromptIsAnError) {
  auto row = parse(R"({"prompt": [], "chosen": "c", "rejected": "r", "subset": "s", "id": 1})");
  try {
    rb::eval::build_conversation(row);
    ADD_FAILURE() << "expected rb::InputError";
  } catch (const rb::InputError& error) {
    EXPECT_EQ(std::string(error.what()),
              "pairs.jsonl:4: field \"prompt\": expected at least one message, got an empty list");
  }
}

TEST(Conversation, ConversationAnswersWithAnEvenPrefixFail) {
  // chosen[:-1] has two turns (user, assistant): the prompt would end on an assistant turn.
  auto row = parse(R"({"chosen": [{"role": "user", "content": "u"}, {"role": "assistant", "content": "a"},
                                  {"role": "assistant", "content": "c"}],
                       "rejected": [{"role": "user", "content": "u"}, {"role": "assistant", "content": "r"}],
                       "subset": "s", "id": 1})");
  EXPECT_THROW(rb::eval::build_conversation(row), rb::InputError);
}

TEST(Conversation, BuildExamplesKeepsRowOrderAndStopsAtTheFirstBadRow) {
  std::vector<rb::eval::PreferenceRow> rows = {
      parse(R"({"prompt": "a", "chosen": "c1", "rejected": "r1", "subset": "s", "id": 1})"),
      parse(R"({"prompt": "b", "chosen": "c2", "rejected": "r2", "subset": "s", "id": 2})")};
  auto examples = rb::eval::build_examples(rows);
  ASSERT_EQ(examples.size(), 2u);
  EXPECT_EQ(examples[1].row.id, 2);
  EXPECT_EQ(examples[1].conversation.prompt_messages[0].content, "b");
  EXPECT_EQ(examples[1].conversation.rejected_messages[1].content, "r2");
  rows.push_back(parse(R"({"prompt": [{"role": "user", "content": "u"}, {"role": "assistant", "content": "a"}],
                           "chosen": "c", "rejected": "r", "subset": "s", "id": 3})"));
  EXPECT_THROW(rb::eval::build_examples(rows), rb::InputError);
}

}  // namespace

#include "eval/conversation.h"

#include "common/error.h"

namespace rb::eval {
namespace {

Messages prompt_turns(const PreferenceRow& row) {
  if (!row.has_message_prompt()) return {Message{"user", std::get<std::string>(row.prompt)}};
  const Messages& stated = std::get<Messages>(row.prompt);
  if (stated.empty()) {
    throw InputError(row.origin + ": field \"prompt\": expected at least one message, got an empty list");
  }
  Messages turns;
  turns.reserve(stated.size());
  for (size_t i = 0; i < stated.size(); ++i) {
    turns.push_back(Message{i % 2 == 0 ? "user" : "assistant", stated[i].content});
  }
  if (turns.back().role != "user") {
    throw InputError(row.origin + ": field \"prompt\": the last prompt turn must be a user turn, but message " +
                     std::to_string(stated.size() - 1) + " falls on an assistant turn (roles go by position: " +
                     "user, assistant, user, ...; the prompt needs an odd number of messages)");
  }
  return turns;
}

Messages with_answer(const Messages& prompt, const std::string& answer) {
  Messages conversation = prompt;
  conversation.push_back(Message{"assistant", answer});
  return conversation;
}

}  // namespace

Conversation build_conversation(const PreferenceRow& row) {
  Conversation conversation;
  conversation.prompt_messages = prompt_turns(row);
  conversation.chosen_messages = with_answer(conversation.prompt_messages, row.chosen);
  conversation.rejected_messages = with_answer(conversation.prompt_messages, row.rejected);
  return conversation;
}

std::vector<PreferenceExample> build_examples(std::vector<PreferenceRow> rows) {
  std::vector<PreferenceExample> examples;
  examples.reserve(rows.size());
  for (auto& row : rows) {
    Conversation conversation = build_conversation(row);
    examples.push_back(PreferenceExample{std::move(row), std::move(conversation)});
  }
  return examples;
}

Json to_json(const Messages& messages) {
  Json array = Json::array();
  for (const auto& message : messages) array.push_back(Json{{"role", message.role}, {"content", message.content}});
  return array;
}

}  // namespace rb::eval

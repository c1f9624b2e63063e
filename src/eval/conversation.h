#pragma once
// The message lists the reference renders for one preference row
// (rewardbench/utils.py prepare_dialogue_from_tokenizer / prepare_dialogue):
//   - list prompt: roles are re-assigned by position (index 0, 2, 4, ... user; 1, 3, ... assistant;
//     the stated roles are ignored) and the last prompt turn must be a user turn;
//   - string prompt: [user: prompt].
// chosen_messages = prompt + [assistant: chosen], rejected_messages = prompt + [assistant: rejected].
#include "eval/dataset.h"

namespace rb::eval {

struct Conversation {
  Messages prompt_messages;    // rendered without a generation prompt: the reference's `prompt`
  Messages chosen_messages;    // rendered: text_chosen
  Messages rejected_messages;  // rendered: text_rejected
};

// Throws rb::InputError naming the row when a list prompt is empty or ends on an assistant turn.
Conversation build_conversation(const PreferenceRow& row);

// A row with its conversations: what the CLI renders and scores. The whole flow is
//   rows = load_preference_rows(path, options)          (eval/dataset.h)
//   examples = build_examples(std::move(rows))
//   render each conversation with the chat template, score the texts with the model
//   scored.push_back(make_scored_example(example.row, texts, scores_chosen, scores_rejected))
//   summary = summarize(scored)                          (eval/metrics.h)
//   write_results_json / write_outputs_jsonl / write_run_json / print_summary   (report/)
struct PreferenceExample {
  PreferenceRow row;
  Conversation conversation;
};

// Builds every conversation up front so that a bad row fails before any model time is spent.
std::vector<PreferenceExample> build_examples(std::vector<PreferenceRow> rows);

// [{"role": ..., "content": ...}, ...], the shape chat templates and FastChat take.
Json to_json(const Messages& messages);

}  // namespace rb::eval

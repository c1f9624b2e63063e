#pragma once
// Instruction ("SFT") data for the CLI's scoring mode (rewardbench.py with load_and_process_dataset):
// rows with a `messages` conversation and no chosen/rejected pair are scored one text per row and
// written without any accuracy.
//   - which rows are instruction data is eval/benchmarks.h's detect_row_format.
//   - prompt = messages[0].content; the text is the whole conversation rendered without a generation
//     prompt: with the tokenizer's chat template the messages keep their stated roles, with a
//     FastChat template roles go by position (positional_roles) and the written prompt is the
//     first user turn rendered alone.
//   - every other column is echoed after prompt, results and text (a `question`/`input` column
//     that stood in for a missing `prompt` is consumed, as the reference renames it).
#include <optional>
#include <string>
#include <vector>

#include "eval/dataset.h"

namespace rb::eval {

struct InstructionRow {
  std::string origin;  // "file:line"
  Messages messages;   // with their stated roles
  std::string prompt;  // messages[0].content
  Json columns = Json::object();  // the other input columns, in input order
};

// Throws rb::InputError naming file:line and field, e.g. a missing or empty `messages`.
InstructionRow parse_instruction_row(const io::JsonRow& row);
std::vector<InstructionRow> parse_instruction_rows(const std::vector<io::JsonRow>& rows,
                                                   std::optional<size_t> max_rows);
std::vector<InstructionRow> load_instruction_rows(const std::string& path, std::optional<size_t> max_rows);

// FastChat's view: user, assistant, user, ... whatever the stated roles.
Messages positional_roles(const Messages& messages);

}  // namespace rb::eval

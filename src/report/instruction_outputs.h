#pragma once
// `{model}_outputs.jsonl` of the CLI's instruction-data mode (rewardbench.py save_jsonl): one
// json.dumps line per row with prompt, results (the score: a number for a one-label model, a list
// for several), text, then the row's other input columns. No accuracy, no results.json.
#include <string>
#include <vector>

#include "eval/instruction_dataset.h"
#include "report/python_json.h"

namespace rb::report {

struct ScoredInstruction {
  std::string prompt;  // messages[0].content, or the rendered first user turn with a FastChat template
  std::string text;    // the rendered conversation that was scored
  std::vector<double> scores;
  Json columns = Json::object();
};

ScoredInstruction make_scored_instruction(const eval::InstructionRow& row, std::string prompt, std::string text,
                                          std::vector<double> scores);

// An input column named prompt, results or text is dropped rather than overwriting ours.
Json instruction_output_record(const ScoredInstruction& row);
std::string format_instruction_outputs_jsonl(const std::vector<ScoredInstruction>& rows);
void write_instruction_outputs_jsonl(const std::string& path, const std::vector<ScoredInstruction>& rows);

}  // namespace rb::report

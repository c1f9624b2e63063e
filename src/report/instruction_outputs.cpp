#include "report/instruction_outputs.h"

#include "io/atomic_file.h"

namespace rb::report {

ScoredInstruction make_scored_instruction(const eval::InstructionRow& row, std::string prompt, std::string text,
                                          std::vector<double> scores) {
  return ScoredInstruction{std::move(prompt), std::move(text), std::move(scores), row.columns};
}

Json instruction_output_record(const ScoredInstruction& row) {
  Json record = Json::object();
  record["prompt"] = row.prompt;
  if (row.scores.empty()) {
    record["results"] = nullptr;
  } else if (row.scores.size() == 1) {
    record["results"] = row.scores.front();
  } else {
    record["results"] = row.scores;
  }
  record["text"] = row.text;
  for (const auto& [key, value] : row.columns.items()) {
    if (!record.contains(key)) record[key] = value;
  }
  return record;
}

std::string format_instruction_outputs_jsonl(const std::vector<ScoredInstruction>& rows) {
  std::string text;
  for (const auto& row : rows) {
    text += python_json_dumps(instruction_output_record(row));
    text += '\n';
  }
  return text;
}

void write_instruction_outputs_jsonl(const std::string& path, const std::vector<ScoredInstruction>& rows) {
  io::write_file_atomically(path, format_instruction_outputs_jsonl(rows));
}

}  // namespace rb::report

#include "eval/instruction_dataset.h"

#include <algorithm>

#include "common/error.h"
#include "eval/row_fields.h"
#include "io/parquet.h"

namespace rb::eval {
namespace {

Messages parse_messages(const Json& row, const std::string& origin) {
  const RowFields check(origin);
  const Messages messages = check.messages(check.required(row, "messages"), "messages");
  if (messages.empty()) check.fail("messages", "expected at least one message, got an empty list");
  return messages;
}

}  // namespace

InstructionRow parse_instruction_row(const io::JsonRow& row) {
  if (!row.value.is_object()) throw InputError(row.origin + ": expected a JSON object, got " + row.value.type_name());
  InstructionRow out;
  out.origin = row.origin;
  out.messages = parse_messages(row.value, row.origin);
  out.prompt = out.messages.front().content;
  std::string consumed = prompt_column(row.value);
  for (const auto& [key, value] : row.value.items()) {
    if (key == consumed || key == "prompt" || key == "text") continue;
    out.columns[key] = value;
  }
  return out;
}

std::vector<InstructionRow> parse_instruction_rows(const std::vector<io::JsonRow>& rows,
                                                   std::optional<size_t> max_rows) {
  size_t count = max_rows ? std::min(*max_rows, rows.size()) : rows.size();
  std::vector<InstructionRow> parsed;
  parsed.reserve(count);
  for (size_t i = 0; i < count; ++i) parsed.push_back(parse_instruction_row(rows[i]));
  return parsed;
}

std::vector<InstructionRow> load_instruction_rows(const std::string& path, std::optional<size_t> max_rows) {
  std::vector<io::JsonRow> rows = io::read_dataset_rows(path);
  if (rows.empty()) throw InputError(path + ": no rows");
  return parse_instruction_rows(rows, max_rows);
}

Messages positional_roles(const Messages& messages) {
  Messages turns;
  turns.reserve(messages.size());
  for (size_t i = 0; i < messages.size(); ++i) {
    turns.push_back(Message{i % 2 == 0 ? "user" : "assistant", messages[i].content});
  }
  return turns;
}

}  // namespace rb::eval

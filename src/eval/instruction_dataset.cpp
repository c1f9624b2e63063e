#include "eval/instruction_dataset.h"

#include <algorithm>
#include <set>

#include "common/error.h"
#include "io/parquet.h"

namespace rb::eval {
namespace {

[[noreturn]] void field_error(const std::string& origin, const std::string& field, const std::string& problem) {
  throw InputError(origin + ": field \"" + field + "\": " + problem);
}

std::string string_at(const Json& value, const std::string& origin, const std::string& field) {
  if (!value.is_string()) field_error(origin, field, std::string("expected a string, got ") + value.type_name());
  return value.get<std::string>();
}

Messages parse_messages(const Json& row, const std::string& origin) {
  if (!row.contains("messages")) field_error(origin, "messages", "missing");
  const Json& list = row["messages"];
  if (!list.is_array()) field_error(origin, "messages", std::string("expected a list of messages, got ") + list.type_name());
  if (list.empty()) field_error(origin, "messages", "expected at least one message, got an empty list");
  Messages messages;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string field = "messages[" + std::to_string(i) + "]";
    const Json& message = list[i];
    if (!message.is_object()) field_error(origin, field, std::string("expected {role, content}, got ") + message.type_name());
    for (const char* key : {"role", "content"}) {
      if (!message.contains(key)) field_error(origin, field + "." + key, "missing");
    }
    messages.push_back(Message{string_at(message["role"], origin, field + ".role"),
                               string_at(message["content"], origin, field + ".content")});
  }
  return messages;
}

// The column the reference renames to `prompt` (and then overwrites), if any.
std::string consumed_prompt_column(const Json& row) {
  if (row.contains("prompt")) return "prompt";
  if (row.contains("question")) return "question";
  if (row.contains("input")) return "input";
  return "prompt";
}

}  // namespace

DatasetKind detect_dataset_kind(const std::vector<io::JsonRow>& rows, bool prioritize_instructions,
                                const std::string& source) {
  std::set<std::string> columns;
  for (const auto& row : rows) {
    if (!row.value.is_object()) continue;
    for (const auto& item : row.value.items()) columns.insert(item.key());
  }
  bool preference = columns.count("chosen") && columns.count("rejected");
  bool instruction = columns.count("messages") > 0;
  if (prioritize_instructions && instruction) return DatasetKind::kInstruction;
  if (preference) return DatasetKind::kPreference;
  if (instruction) return DatasetKind::kInstruction;
  throw InputError(source +
                   ": dataset format not recognized: it needs \"chosen\" and \"rejected\" columns (preference data) "
                   "or a \"messages\" column (instruction data)");
}

InstructionRow parse_instruction_row(const io::JsonRow& row) {
  if (!row.value.is_object()) throw InputError(row.origin + ": expected a JSON object, got " + row.value.type_name());
  InstructionRow out;
  out.origin = row.origin;
  out.messages = parse_messages(row.value, row.origin);
  out.prompt = out.messages.front().content;
  std::string consumed = consumed_prompt_column(row.value);
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

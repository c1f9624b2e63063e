#include "eval/dataset.h"

#include <algorithm>

#include "common/error.h"
#include "eval/row_fields.h"
#include "io/parquet.h"

namespace rb::eval {
namespace {

std::variant<std::string, Messages> parse_prompt(const Json& value, const RowFields& check) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_array()) return check.messages(value, "prompt");
  check.wrong_type("prompt", "a string or a list of messages", value);
}

// chosen/rejected as conversations: the last message is the answer, the rest of `chosen` is the
// prompt unless the row already has a list prompt.
void take_answers_from_conversations(const Json& row, const RowFields& check, PreferenceRow& out) {
  Messages chosen = check.messages(row["chosen"], "chosen");
  Messages rejected = check.messages(row["rejected"], "rejected");
  if (chosen.empty()) check.fail("chosen", "expected a non-empty list of messages, got an empty list");
  if (rejected.empty()) check.fail("rejected", "expected a non-empty list of messages, got an empty list");
  out.chosen = chosen.back().content;
  out.rejected = rejected.back().content;
  if (!out.has_message_prompt()) out.prompt = Messages(chosen.begin(), chosen.end() - 1);
}

Json parse_id(const Json& row, const RowFields& check, bool required) {
  if (!row.contains("id")) {
    if (required) check.fail("id", "missing");
    return nullptr;
  }
  const Json& id = row["id"];
  if (!id.is_number_integer() && !id.is_string()) check.wrong_type("id", "an integer or a string", id);
  return id;
}

std::optional<std::string> optional_string(const Json& row, const std::string& field, const RowFields& check) {
  if (!row.contains(field) || row[field].is_null()) return std::nullopt;
  return check.text(row[field], field);
}

Json echo_columns(const Json& row, const std::string& prompt_key, const PreferenceRow& parsed) {
  Json columns = Json::object();
  for (const auto& [key, value] : row.items()) {
    if (key == prompt_key) continue;
    if (key == "chosen") {
      columns[key] = parsed.chosen;
    } else if (key == "rejected") {
      columns[key] = parsed.rejected;
    } else {
      columns[key] = value;
    }
  }
  return columns;
}

}  // namespace

PreferenceRow parse_preference_row(const io::JsonRow& row, const DatasetOptions& options) {
  const Json& value = row.value;
  RowFields check(row.origin);
  if (!value.is_object()) throw InputError(row.origin + ": expected a JSON object, got " + value.type_name());

  PreferenceRow out;
  out.origin = row.origin;
  const std::string prompt_key = prompt_column(value);
  const Json& chosen = check.required(value, "chosen");
  const Json& rejected = check.required(value, "rejected");
  bool conversations = chosen.is_array();
  if (!conversations && !value.contains(prompt_key)) {
    check.fail("prompt", "missing (also looked for \"question\" and \"input\")");
  }
  if (value.contains(prompt_key)) out.prompt = parse_prompt(value[prompt_key], check);
  if (conversations) {
    take_answers_from_conversations(value, check, out);
  } else {
    out.chosen = check.text(chosen, "chosen");
    out.rejected = check.text(rejected, "rejected");
  }

  if (value.contains("subset")) {
    out.subset = check.text(value["subset"], "subset");
  } else if (options.require_subset) {
    check.fail("subset", "missing");
  }
  out.id = parse_id(value, check, options.require_id);
  out.chosen_model = optional_string(value, "chosen_model", check);
  out.rejected_model = optional_string(value, "rejected_model", check);
  out.columns = echo_columns(value, prompt_key, out);
  return out;
}

std::vector<PreferenceRow> parse_preference_rows(const std::vector<io::JsonRow>& rows,
                                                 const DatasetOptions& options) {
  size_t count = options.max_rows ? std::min(*options.max_rows, rows.size()) : rows.size();
  std::vector<PreferenceRow> parsed;
  parsed.reserve(count);
  for (size_t i = 0; i < count; ++i) parsed.push_back(parse_preference_row(rows[i], options));
  return parsed;
}

std::vector<PreferenceRow> load_preference_rows(const std::string& path, const DatasetOptions& options) {
  std::vector<io::JsonRow> rows = io::read_dataset_rows(path);
  if (rows.empty()) throw InputError(path + ": no rows");
  return parse_preference_rows(rows, options);
}

}  // namespace rb::eval

#pragma once
// RewardBench v1 preference rows, validated and normalised the way the reference loader
// (rewardbench/utils.py load_and_process_dataset) shapes arbitrary preference data:
//   - `question` or else `input` is renamed to `prompt` when `prompt` is missing;
//   - chosen/rejected given as message lists become prompt = chosen[:-1],
//     chosen = chosen[-1].content, rejected = rejected[-1].content;
//   - every other column is kept verbatim so the outputs file can echo it.
// Validation errors are rb::InputError naming the row's "file:line" and the field.
#include <cstddef>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/json_file.h"

namespace rb::eval {

using Json = nlohmann::ordered_json;

struct Message {
  std::string role;
  std::string content;
};
using Messages = std::vector<Message>;

struct PreferenceRow {
  std::string origin;                          // "file:line", for error messages
  std::variant<std::string, Messages> prompt;  // a string, or messages with their stated roles
  std::string chosen;
  std::string rejected;
  std::string subset;  // "" only when DatasetOptions::require_subset is off and the row has none
  Json id;             // integer or string; null only when require_id is off and the row has none
  std::optional<std::string> chosen_model, rejected_model;
  // Every input column except the prompt (after renames), in input order, with chosen and
  // rejected holding the final strings: what the reference CLI writes after its own columns.
  Json columns = Json::object();

  bool has_message_prompt() const { return std::holds_alternative<Messages>(prompt); }
};

struct DatasetOptions {
  // Keep only the first N rows (the reference's --debug keeps 10). Later rows are not validated.
  std::optional<size_t> max_rows;
  // The core set always has both; arbitrary preference data for the CLI may lack them.
  bool require_subset = true;
  bool require_id = true;
};

// Validates and normalises one row. Throws rb::InputError, e.g.
//   data.jsonl:17: field "chosen": expected a string, got number
PreferenceRow parse_preference_row(const io::JsonRow& row, const DatasetOptions& options);

// All rows (or the first max_rows). Duplicate ids are allowed, as in the reference.
std::vector<PreferenceRow> parse_preference_rows(const std::vector<io::JsonRow>& rows,
                                                 const DatasetOptions& options);

// Reads `path` (.json, .jsonl or .parquet, see io/parquet.h) and parses its rows; a file without rows
// is an rb::InputError.
std::vector<PreferenceRow> load_preference_rows(const std::string& path, const DatasetOptions& options);

}  // namespace rb::eval

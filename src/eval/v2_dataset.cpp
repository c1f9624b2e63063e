#include "eval/v2_dataset.h"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <unordered_map>

#include "common/error.h"
#include "eval/row_fields.h"
#include "io/parquet.h"

namespace rb::eval {
namespace {

// The counts are redundant with the lists; a mismatch means the row would be regrouped with its
// neighbours' scores (reroll_and_score_dataset groups by total_completions), so it is an error.
void check_counts(const Json& value, const RowFields& check, V2Row& row) {
  if (row.chosen.empty()) check.fail("chosen", "expected at least one correct completion, got an empty list");
  row.num_correct = check.integer_at(value, "num_correct");
  row.total_completions = check.integer_at(value, "total_completions");
  if (row.num_correct != static_cast<int64_t>(row.chosen.size())) {
    check.fail("num_correct", std::to_string(row.num_correct) + " does not equal len(chosen) = " +
                                  std::to_string(row.chosen.size()));
  }
  if (row.total_completions != static_cast<int64_t>(row.completion_count())) {
    check.fail("total_completions", std::to_string(row.total_completions) +
                                        " does not equal len(chosen) + len(rejected) = " +
                                        std::to_string(row.completion_count()));
  }
  if (value.contains("num_incorrect") && !value["num_incorrect"].is_null()) {
    int64_t num_incorrect = check.integer_at(value, "num_incorrect");
    if (num_incorrect != static_cast<int64_t>(row.rejected.size())) {
      check.fail("num_incorrect", std::to_string(num_incorrect) + " does not equal len(rejected) = " +
                                      std::to_string(row.rejected.size()));
    }
  }
}

// Length-prefixed parts make the key unambiguous whatever bytes the contents hold.
void append_part(std::string& key, const std::string& part) {
  key += std::to_string(part.size());
  key += ':';
  key += part;
}

// Keys are viewed, not copied (texts can be long): `keys` outlives the map.
Deduplication deduplicate_keys(const std::vector<std::string>& keys) {
  Deduplication result;
  result.unique_of.reserve(keys.size());
  std::unordered_map<std::string_view, size_t> class_of;
  for (size_t i = 0; i < keys.size(); ++i) {
    auto [it, inserted] = class_of.emplace(keys[i], result.first_index.size());
    if (inserted) result.first_index.push_back(i);
    result.unique_of.push_back(it->second);
  }
  return result;
}

}  // namespace

const std::string& V2Row::completion(size_t position) const {
  return position < chosen.size() ? chosen[position] : rejected.at(position - chosen.size());
}

V2Row parse_v2_row(const io::JsonRow& row) {
  const Json& value = row.value;
  if (!value.is_object()) throw InputError(row.origin + ": expected a JSON object, got " + value.type_name());
  RowFields check(row.origin);
  V2Row out;
  out.origin = row.origin;
  out.id = check.text_at(value, "id");
  out.prompt = check.text_at(value, "prompt");
  out.chosen = check.texts_at(value, "chosen");
  out.rejected = check.texts_at(value, "rejected");
  out.subset = check.text_at(value, "subset");
  check_counts(value, check, out);
  out.columns = value;
  return out;
}

std::vector<V2Row> parse_v2_rows(const std::vector<io::JsonRow>& rows, const V2DatasetOptions& options) {
  size_t count = options.max_prompts ? std::min(*options.max_prompts, rows.size()) : rows.size();
  std::vector<V2Row> parsed;
  parsed.reserve(count);
  for (size_t i = 0; i < count; ++i) parsed.push_back(parse_v2_row(rows[i]));
  return parsed;
}

std::vector<V2Row> load_v2_rows(const std::string& path, const V2DatasetOptions& options) {
  std::vector<io::JsonRow> rows = io::read_dataset_rows(path);
  if (rows.empty()) throw InputError(path + ": no rows");
  return parse_v2_rows(rows, options);
}

std::vector<V2Completion> unroll_v2(const std::vector<V2Row>& rows) {
  std::vector<V2Completion> completions;
  for (size_t p = 0; p < rows.size(); ++p) {
    const V2Row& row = rows[p];
    for (size_t position = 0; position < row.completion_count(); ++position) {
      V2Completion completion;
      completion.prompt_index = p;
      completion.position = position;
      completion.correct = static_cast<int64_t>(position) < row.num_correct;
      completion.conversation = {Message{"user", row.prompt}, Message{"assistant", row.completion(position)}};
      completions.push_back(std::move(completion));
    }
  }
  return completions;
}

Deduplication deduplicate_conversations(const std::vector<V2Completion>& completions) {
  std::vector<std::string> keys;
  keys.reserve(completions.size());
  for (const auto& completion : completions) {
    std::string key;
    for (const auto& message : completion.conversation) {
      append_part(key, message.role);
      append_part(key, message.content);
    }
    keys.push_back(std::move(key));
  }
  return deduplicate_keys(keys);
}

Deduplication deduplicate_texts(const std::vector<std::string>& texts) { return deduplicate_keys(texts); }

}  // namespace rb::eval

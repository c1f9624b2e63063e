#include "eval/v2_dataset.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "common/error.h"
#include "io/parquet.h"

namespace rb::eval {
namespace {

class RowChecker {
 public:
  explicit RowChecker(const std::string& origin) : origin_(origin) {}

  [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
    throw InputError(origin_ + ": field \"" + field + "\": " + problem);
  }
  [[noreturn]] void wrong_type(const std::string& field, const std::string& expected, const Json& value) const {
    fail(field, "expected " + expected + ", got " + value.type_name());
  }
  const Json& required(const Json& row, const std::string& field) const {
    if (!row.contains(field)) fail(field, "missing");
    return row[field];
  }
  std::string string_field(const Json& row, const std::string& field) const {
    const Json& value = required(row, field);
    if (!value.is_string()) wrong_type(field, "a string", value);
    return value.get<std::string>();
  }
  int64_t integer_field(const Json& row, const std::string& field) const {
    const Json& value = required(row, field);
    if (!value.is_number_integer()) wrong_type(field, "an integer", value);
    return value.get<int64_t>();
  }
  std::vector<std::string> string_list(const Json& row, const std::string& field) const {
    const Json& value = required(row, field);
    if (!value.is_array()) wrong_type(field, "a list of strings", value);
    std::vector<std::string> items;
    items.reserve(value.size());
    for (size_t i = 0; i < value.size(); ++i) {
      if (!value[i].is_string()) wrong_type(field + "[" + std::to_string(i) + "]", "a string", value[i]);
      items.push_back(value[i].get<std::string>());
    }
    return items;
  }

 private:
  const std::string& origin_;
};

// The counts are redundant with the lists; a mismatch means the row would be regrouped with its
// neighbours' scores (reroll_and_score_dataset groups by total_completions), so it is an error.
void check_counts(const Json& value, const RowChecker& check, V2Row& row) {
  if (row.chosen.empty()) check.fail("chosen", "expected at least one correct completion, got an empty list");
  row.num_correct = check.integer_field(value, "num_correct");
  row.total_completions = check.integer_field(value, "total_completions");
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
    int64_t num_incorrect = check.integer_field(value, "num_incorrect");
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

Deduplication deduplicate_keys(const std::vector<std::string>& keys) {
  Deduplication result;
  result.unique_of.reserve(keys.size());
  std::unordered_map<std::string, size_t> class_of;
  for (size_t i = 0; i < keys.size(); ++i) {
    auto [it, inserted] = class_of.emplace(keys[i], result.first_index.size());
    if (inserted) result.first_index.push_back(i);
    result.unique_of.push_back(it->second);
  }
  return result;
}

}  // namespace

const std::vector<std::string>& v2_subsets() {
  static const std::vector<std::string> kSubsets = {"Factuality", "Precise IF", "Math", "Safety", "Focus", "Ties"};
  return kSubsets;
}

bool is_ties_subset(const std::string& subset) {
  std::string lower = subset;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower == "ties";
}

const std::string& V2Row::completion(size_t position) const {
  return position < chosen.size() ? chosen[position] : rejected.at(position - chosen.size());
}

V2Row parse_v2_row(const io::JsonRow& row) {
  const Json& value = row.value;
  if (!value.is_object()) throw InputError(row.origin + ": expected a JSON object, got " + value.type_name());
  RowChecker check(row.origin);
  V2Row out;
  out.origin = row.origin;
  out.id = check.string_field(value, "id");
  out.prompt = check.string_field(value, "prompt");
  out.chosen = check.string_list(value, "chosen");
  out.rejected = check.string_list(value, "rejected");
  out.subset = check.string_field(value, "subset");
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

#pragma once
// RewardBench 2 rows (allenai/reward-bench-2, split "test") and their unrolling into single
// completions, as rewardbench/utils.py load_bon_dataset_v2 prepares them for run_v2.py:
//   - each prompt has `chosen` (the correct answers) and `rejected` lists of strings; the
//     completions are scored in the order chosen + rejected, so position 0 is the first chosen;
//   - every completion becomes its own conversation [user: prompt, assistant: completion]
//     (the `ift` branch of prepare_dialogue_from_tokenizer), rendered without a generation prompt;
//   - num_correct splits positions into correct (< num_correct) and incorrect for the Ties subset,
//     total_completions regroups the scored completions per prompt.
// Validation errors are rb::InputError naming "file:line" and the field, like eval/dataset.h.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "eval/benchmarks.h"
#include "eval/dataset.h"

namespace rb::eval {

struct V2Row {
  std::string origin;  // "file:line"
  std::string id;      // Ties rows: "ref:<int>" or "tied:<int>"
  std::string prompt;
  std::vector<std::string> chosen;    // correct completions, scored first
  std::vector<std::string> rejected;  // incorrect completions
  int64_t num_correct = 0;            // == chosen.size()
  int64_t total_completions = 0;      // == chosen.size() + rejected.size()
  std::string subset;
  Json columns = Json::object();  // every input column as given (models, additional_metadata, ...)

  size_t completion_count() const { return chosen.size() + rejected.size(); }
  // Position i in chosen + rejected order.
  const std::string& completion(size_t position) const;
};

struct V2DatasetOptions {
  // Keep only the first N prompts (the reference's --debug keeps 10 prompts = its first 40
  // unrolled rows when each has four completions). Later rows are not validated.
  std::optional<size_t> max_prompts;
};

// Throws rb::InputError, e.g.  rb2.jsonl:7: field "total_completions": 5 does not equal
// len(chosen) + len(rejected) = 4
V2Row parse_v2_row(const io::JsonRow& row);
std::vector<V2Row> parse_v2_rows(const std::vector<io::JsonRow>& rows, const V2DatasetOptions& options);
// Reads a .json/.jsonl/.parquet file (io/parquet.h read_dataset_rows); a file without rows is an rb::InputError.
std::vector<V2Row> load_v2_rows(const std::string& path, const V2DatasetOptions& options);

// One completion to score: the unrolled row of load_bon_dataset_v2.
struct V2Completion {
  size_t prompt_index = 0;  // index into the rows
  size_t position = 0;      // index into chosen + rejected
  bool correct = false;     // position < num_correct
  Messages conversation;    // [user: prompt, assistant: completion]
};

// All completions, prompt by prompt, chosen before rejected: the order the scores come back in.
std::vector<V2Completion> unroll_v2(const std::vector<V2Row>& rows);

// Identical inputs score identically, so each distinct one needs scoring once.
// unique_of[i] is the index into `first_index` of item i's class; first_index lists, in order
// of first appearance, the item that stands for each class.
struct Deduplication {
  std::vector<size_t> first_index;
  std::vector<size_t> unique_of;
  size_t unique_count() const { return first_index.size(); }
};

// By conversation content (roles and contents), before rendering.
Deduplication deduplicate_conversations(const std::vector<V2Completion>& completions);
// By rendered text, e.g. when different conversations render to the same string.
Deduplication deduplicate_texts(const std::vector<std::string>& texts);

}  // namespace rb::eval

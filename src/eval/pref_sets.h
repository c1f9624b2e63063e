#pragma once
// The prior preference test sets (allenai/pref-test-sets) as load_eval_dataset(core_set=False)
// builds them: one split per source, each split's rows get `subset` = the split name (a `subset`
// column already there is renamed to `subsubset` first), the splits pku_better and pku_safer are
// dropped (eval/benchmarks.h), the rest are concatenated in the order given. Prompts are message lists (multi-turn
// possible), chosen/rejected strings, so the rows are ordinary PreferenceRows (eval/dataset.h).
// Scoring is the v1 one: eval/metrics.h gives per-subset accuracy and the "Prior Sets" score (mean
// of anthropic_helpful, anthropic_hhh, shp, summarize); anthropic_harmless and mtbench_* are
// reported per subset only.
#include <string>
#include <vector>

#include "eval/dataset.h"

namespace rb::eval {

struct PrefSetSplit {
  std::string name;  // becomes each row's subset
  std::string path;  // .json or .jsonl
};

// The splits of a folder holding one `<split>.json` or `<split>.jsonl` per split, sorted by name.
// Throws rb::IoError when the folder cannot be read, rb::InputError when it holds no split file.
std::vector<PrefSetSplit> find_pref_set_splits(const std::string& folder);

// A row of `split` shaped as the reference shapes it (subset -> subsubset, subset = split name).
io::JsonRow with_split_subset(io::JsonRow row, const std::string& split);

// Reads and concatenates the splits (dropped ones skipped), then parses the rows; options.max_rows
// keeps the first N rows of the concatenation, as the reference's --debug does.
std::vector<PreferenceRow> load_pref_test_sets(const std::vector<PrefSetSplit>& splits, const DatasetOptions& options);

}  // namespace rb::eval

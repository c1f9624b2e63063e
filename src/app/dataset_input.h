#pragma once
// A --dataset argument read as the reference reads it, for every command: a .json/.jsonl/.parquet
// file, a local folder of <split> files, or a Hub dataset (its reference splits, eval/benchmarks.h).
// Several splits are the prior preference sets (allenai/pref-test-sets); one split is a file (or
// the shards of one), whose rows any format may hold (eval/benchmarks.h detect_row_format).
#include <string>
#include <vector>

#include "eval/dataset.h"
#include "eval/pref_sets.h"
#include "io/json_file.h"

namespace rb::app {

struct DatasetInput {
  std::string source;                      // what messages and run.json name: the file or folder read
  std::vector<eval::PrefSetSplit> splits;  // prior preference sets: one file per split; else empty
  std::vector<io::JsonRow> rows;           // one split: its rows (shards in order)

  bool prior_sets() const { return !splits.empty(); }
  // The prior preference sets as v1 pairs (subset = split, dropped splits left out).
  std::vector<eval::PreferenceRow> prior_set_rows(const eval::DatasetOptions& options) const;
};

// Data first (cheap, and bad data should fail before a model download). Throws rb::InputError /
// rb::IoError naming the file.
DatasetInput read_dataset(const std::string& argument, bool quiet);

}  // namespace rb::app

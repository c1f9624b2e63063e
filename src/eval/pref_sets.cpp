#include "eval/pref_sets.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "common/error.h"
#include "eval/benchmarks.h"
#include "io/parquet.h"

namespace rb::eval {

std::vector<PrefSetSplit> find_pref_set_splits(const std::string& folder) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::directory_iterator it(folder, error);
  if (error) throw IoError(folder + ": cannot list the folder: " + error.message());
  std::vector<PrefSetSplit> splits;
  for (const auto& entry : it) {
    std::string extension = entry.path().extension().string();
    if (!entry.is_regular_file() || (extension != ".json" && extension != ".jsonl" && extension != ".parquet")) continue;
    splits.push_back(PrefSetSplit{entry.path().stem().string(), entry.path().string()});
  }
  if (splits.empty()) throw InputError(folder + ": no <split>.json, <split>.jsonl or <split>.parquet files");
  std::sort(splits.begin(), splits.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return splits;
}

io::JsonRow with_split_subset(io::JsonRow row, const std::string& split) {
  if (!row.value.is_object()) return row;  // parse_preference_row reports it
  Json shaped = Json::object();
  for (const auto& [key, value] : row.value.items()) {
    // rename_column keeps the column where it was; a pre-existing subsubset is replaced.
    shaped[key == "subset" ? std::string("subsubset") : key] = value;
  }
  shaped.erase("subset");
  shaped["subset"] = split;  // add_column appends
  row.value = std::move(shaped);
  return row;
}

std::vector<PreferenceRow> load_pref_test_sets(const std::vector<PrefSetSplit>& splits, const DatasetOptions& options) {
  std::vector<io::JsonRow> rows;
  for (const auto& split : splits) {
    if (is_dropped_pref_split(split.name)) continue;
    for (auto& row : io::read_dataset_rows(split.path)) rows.push_back(with_split_subset(std::move(row), split.name));
  }
  if (rows.empty()) throw InputError("pref-test-sets: no rows in the kept splits");
  return parse_preference_rows(rows, options);
}

}  // namespace rb::eval

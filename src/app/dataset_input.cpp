#include "app/dataset_input.h"

#include <algorithm>
#include <filesystem>

#include "app/hub_inputs.h"
#include "common/error.h"
#include "io/parquet.h"

namespace rb::app {
namespace {

// Distinct split names of resolved data files: several mean a set of prior-set splits.
size_t count_splits(const std::vector<eval::PrefSetSplit>& files) {
  std::vector<std::string> names;
  for (const auto& file : files)
    if (std::find(names.begin(), names.end(), file.name) == names.end()) names.push_back(file.name);
  return names.size();
}

}  // namespace

std::vector<eval::PreferenceRow> DatasetInput::prior_set_rows(const eval::DatasetOptions& options) const {
  return eval::load_pref_test_sets(splits, options);
}

DatasetInput read_dataset(const std::string& argument, bool quiet) {
  const std::vector<eval::PrefSetSplit> files = resolve_dataset_argument(argument, {"main", quiet});
  DatasetInput input;
  input.source = files.front().path;
  if (count_splits(files) > 1) {  // a Hub prior-sets repo such as allenai/pref-test-sets
    input.source = argument;
    input.splits = files;
    return input;
  }
  if (std::filesystem::is_directory(input.source)) {  // a local folder of <split> files
    input.splits = eval::find_pref_set_splits(input.source);
    return input;
  }
  for (const auto& file : files) {  // the shards of one split, in order
    auto rows = io::read_dataset_rows(file.path);
    input.rows.insert(input.rows.end(), std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
  }
  if (input.rows.empty()) throw InputError(input.source + ": no rows");
  return input;
}

}  // namespace rb::app

#include "app/download_run.h"

#include <iostream>

#include "eval/benchmarks.h"

namespace rb::app {

const OptionTable<hub::HubDownloadOptions>& download_options_table() {
  using Options = hub::HubDownloadOptions;
  static const OptionTable<Options> table = [] {
    OptionTable<Options> t;
    t.value({"repo", "repo", "org/name", {}, true}, &Options::repo_id)
        .flag({"--dataset", "dataset", "A dataset repo (default: a model repo)"}, &Options::dataset)
        .value({"--revision", "revision", "Branch, tag or commit hash"}, &Options::revision)
        .value({"--split", "splits", "Dataset splits (default: the reference's, else all)", {}, false, false, false},
               &Options::splits)
        .flag({"--quiet,-q", "quiet", "No progress bars"}, &Options::quiet);
    return t;
  }();
  return table;
}

int run_download(const hub::HubDownloadOptions& options) {
  hub::HubDownloadOptions download = options;
  if (download.dataset && download.splits.empty()) download.splits = eval::reference_splits(download.repo_id);
  return hub::run_hub_download(download, std::cout, std::cerr);
}

}  // namespace rb::app

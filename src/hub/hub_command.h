#pragma once
// `rewardbench download`: fetch a model or dataset repo into the Hugging Face cache ahead of an
// evaluation (e.g. on a machine with internet, before running with HF_HUB_OFFLINE=1 elsewhere) and
// print where it is.
#include <iosfwd>
#include <string>
#include <vector>

namespace rb::hub {

struct HubDownloadOptions {
  std::string repo_id;             // org/name
  bool dataset = false;            // a dataset repo (default: a model repo)
  std::string revision = "main";
  std::vector<std::string> splits;  // datasets: only these splits (empty: all)
  bool quiet = false;              // no progress bars
};

// Prints the snapshot folder (and, for a dataset, one "split<TAB>path" line per data file) on
// `out`; errors go to `err` with exit code 1. Environment as from_environment reads it.
int run_hub_download(const HubDownloadOptions& options, std::ostream& out, std::ostream& err);

}  // namespace rb::hub

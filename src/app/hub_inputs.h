#pragma once
// --model / --ref_model / --dataset arguments of the form org/name: fetched from the Hugging Face
// Hub (or found in its cache) before anything reads them; local paths pass through unchanged.
// Built without the hub layer (no libcurl/OpenSSL), only local paths are accepted.
#include <string>
#include <vector>

#include "eval/pref_sets.h"

namespace rb::app {

struct HubArguments {
  std::string revision = "main";  // of the model only; datasets are read at main, as the reference does
  bool quiet = false;             // no progress bars
};

// A local folder: itself. A repo id: its snapshot folder (downloading what is missing).
std::string resolve_model_argument(const std::string& argument, const HubArguments& hub);

// The data files a --dataset argument stands for: a local file or folder as it is (one entry, split
// empty); a dataset repo id: its data files of the splits the reference reads, one entry per split
// (shards of one split listed in order under the same name).
std::vector<eval::PrefSetSplit> resolve_dataset_argument(const std::string& argument, const HubArguments& hub);

// Whether an argument names a Hub repo (org/name that is not a local path).
bool is_hub_repo_id(const std::string& argument);

// A --model / --ref_model argument, resolved.
struct ModelArgument {
  std::string folder;  // local folder (a Hub snapshot for a repo id)
  std::string name;    // what results call it: the argument as given
  // The last part of a repo id or of a folder path ("org/name" and "path/to/name/" -> "name"):
  // results/<short_name> is the default output folder (a snapshot folder's own name is a hash).
  std::string short_name;
};
ModelArgument resolve_model(const std::string& argument, const HubArguments& hub);

}  // namespace rb::app

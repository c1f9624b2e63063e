#pragma once
// --model / --ref_model / --dataset arguments of the form org/name: fetched from the Hugging Face
// Hub (or found in its cache) before anything reads them; local paths pass through unchanged.
// Built without the hub layer (no libcurl/OpenSSL), only local paths are accepted.
#include <string>
#include <vector>

#include "eval/pref_sets.h"

namespace rb::cli {

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

// "org/name" -> "name": the default results folder of a Hub model (its snapshot folder is a hash).
bool is_hub_repo_id(const std::string& argument);
std::string repo_name(const std::string& repo_id);

}  // namespace rb::cli

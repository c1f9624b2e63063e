#pragma once
// What the CLI calls: a --model or --dataset argument that is a local path is used as it is; one of
// the form org/name is fetched from the Hugging Face Hub into the huggingface_hub cache (or found
// there: offline, or when the Hub cannot be reached) and its snapshot folder is returned.
//
//   HubOptions hub = rb::hub::from_environment();   // HF_HOME, HF_HUB_CACHE, HF_TOKEN, HF_ENDPOINT, HF_HUB_OFFLINE
//   hub.revision = revision_flag;                    // --revision (default "main")
//   std::string model_folder = rb::hub::resolve_model(model_flag, hub);
//   rb::hub::DatasetFilter filter;
//   filter.splits = {"filtered"};                     // the caller knows the benchmark's splits
//   for (auto& file : rb::hub::resolve_dataset_files(dataset_flag, hub, filter))
//     ... io::read_dataset_rows(file.path)   // file.split names the split (pref-test-sets: the subset)
#include <string>
#include <vector>

#include "hub/hub_error.h"
#include "hub/hub_options.h"
#include "hub/repo_files.h"

namespace rb::hub {

// "org/name": one '/', both parts of letters, digits, '-', '_', '.', no "--" or "..", no ".git" end.
bool looks_like_repo_id(const std::string& text);
// An argument that names a local path and must never be sent to the Hub (with the user's token):
// it exists, starts with '.', '/' or '~', or its first component is an existing folder here
// (`models/my-modle` beside a `models/` folder is a mistyped path, not the Hub repo models/my-modle).
bool names_local_path(const std::string& text);

// An existing directory: returned unchanged. A repo id: the snapshot folder holding config.json,
// the safetensors weights and the tokenizer/template files the repo has (offline: the cached
// snapshot, which must hold config.json). Throws HubError (HubCacheMissError when offline or
// unreachable and not cached) naming the repo, file, URL and status; rb::IoError for a path that
// neither exists nor looks like a repo id.
std::string resolve_model(const std::string& repo_id_or_path, const HubOptions& options);

// An existing file or directory: returned unchanged. A dataset repo id: the snapshot folder with the
// data files the filter selects (read them with list_dataset_files + io::read_dataset_rows).
std::string resolve_dataset(const std::string& repo_id_or_path, const HubOptions& options,
                            const DatasetFilter& filter = {});

// The data files to read for a --dataset argument: an existing file is itself (its split named
// after it); an existing folder or a dataset repo id gives the files the filter selects in it
// (list_dataset_files). Throws rb::InputError when nothing is selected.
std::vector<DataFile> resolve_dataset_files(const std::string& repo_id_or_path, const HubOptions& options,
                                            const DatasetFilter& filter = {});

}  // namespace rb::hub

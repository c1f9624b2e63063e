#include "app/hub_inputs.h"

#include <filesystem>

#include "common/error.h"
#include "eval/benchmarks.h"
#ifdef RB_WITH_HUB
#include "hub/hub_client.h"
#endif

namespace rb::app {
namespace {

namespace fs = std::filesystem;

#ifdef RB_WITH_HUB
hub::HubOptions hub_options(const HubArguments& arguments, const std::string& revision) {
  hub::HubOptions options = hub::from_environment();
  options.revision = revision;
  if (arguments.quiet) options.progress = hub::ProgressMode::Never;
  return options;
}
#endif

}  // namespace

bool is_hub_repo_id(const std::string& argument) {
#ifdef RB_WITH_HUB
  return !hub::names_local_path(argument) && hub::looks_like_repo_id(argument);
#else
  (void)argument;
  return false;
#endif
}

ModelArgument resolve_model(const std::string& argument, const HubArguments& hub) {
  ModelArgument model;
  model.name = argument;
  model.folder = resolve_model_argument(argument, hub);
  if (is_hub_repo_id(argument)) {
    model.short_name = argument.substr(argument.find('/') + 1);
  } else {  // "a/b/", "a/./b" and "a/b" name the same folder
    fs::path normal = fs::path(argument).lexically_normal();
    if (!normal.has_filename()) normal = normal.parent_path();
    model.short_name = normal.filename().string();
    if (model.short_name.empty() || model.short_name == "." || model.short_name == "..") model.short_name = "model";
  }
  return model;
}

std::string resolve_model_argument(const std::string& argument, const HubArguments& hub) {
  if (!is_hub_repo_id(argument)) return argument;
#ifdef RB_WITH_HUB
  return hub::resolve_model(argument, hub_options(hub, hub.revision));
#else
  (void)hub;
  return argument;
#endif
}

std::vector<eval::PrefSetSplit> resolve_dataset_argument(const std::string& argument, const HubArguments& hub) {
  if (!is_hub_repo_id(argument)) return {{"", argument}};
#ifdef RB_WITH_HUB
  std::vector<eval::PrefSetSplit> files;
  for (const hub::DataFile& file :
       hub::resolve_dataset_files(argument, hub_options(hub, "main"), hub::DatasetFilter{eval::reference_splits(argument)}))
    files.push_back({file.split, file.path});
  return files;
#else
  (void)hub;
  return {{"", argument}};
#endif
}

}  // namespace rb::app

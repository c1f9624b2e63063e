#include "cli/hub_inputs.h"

#include <filesystem>

#include "common/error.h"
#ifdef RB_WITH_HUB
#include "hub/hub_client.h"
#endif

namespace rb::cli {
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
  return !fs::exists(argument) && hub::looks_like_repo_id(argument);
#else
  (void)argument;
  return false;
#endif
}

std::string repo_name(const std::string& repo_id) { return repo_id.substr(repo_id.find('/') + 1); }

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
       hub::resolve_dataset_files(argument, hub_options(hub, "main"), hub::reference_dataset_filter(argument)))
    files.push_back({file.split, file.path});
  return files;
#else
  (void)hub;
  return {{"", argument}};
#endif
}

}  // namespace rb::cli

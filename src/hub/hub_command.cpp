#include "hub/hub_command.h"

#include <ostream>

#include "hub/hub_client.h"

namespace rb::hub {

int run_hub_download(const HubDownloadOptions& download, std::ostream& out, std::ostream& err) {
  try {
    HubOptions options = from_environment();
    options.revision = download.revision;
    if (download.quiet) options.progress = ProgressMode::Never;
    if (!looks_like_repo_id(download.repo_id)) {
      err << "download: '" << download.repo_id << "' is not a Hub repo id of the form org/name\n";
      return 1;
    }
    if (!download.dataset) {
      out << resolve_model(download.repo_id, options) << "\n";
      return 0;
    }
    DatasetFilter filter;
    filter.splits = download.splits;
    const std::string folder = resolve_dataset(download.repo_id, options, filter);
    out << folder << "\n";
    for (const auto& file : list_dataset_files(folder, filter)) out << file.split << "\t" << file.path << "\n";
    return 0;
  } catch (const rb::Error& error) {
    err << "download: " << error.what() << "\n";
    return 1;
  }
}

}  // namespace rb::hub

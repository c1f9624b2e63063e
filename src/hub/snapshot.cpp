#include "hub/snapshot.h"

#include <filesystem>
#include <ostream>

#include "hub/file_download.h"
#include "hub/hub_error.h"
#include "hub/hub_status.h"
#include "hub/repo_info.h"

namespace rb::hub {

std::optional<Snapshot> cached_snapshot(const RepoRef& repo, const HubOptions& options) {
  const CacheLayout layout(options.cache_dir, repo);
  const auto commit = layout.resolve_revision(options.revision);
  if (!commit) return std::nullopt;
  const std::string folder = layout.snapshot_folder(*commit);
  std::error_code error;
  if (!std::filesystem::is_directory(folder, error)) return std::nullopt;
  return Snapshot{folder, *commit, {}};
}

Snapshot snapshot_download(const RepoRef& repo, const HubOptions& options, const FileSelector& select,
                           net::HttpClient& session) {
  const std::string where = describe_repo(repo) + " at revision '" + options.revision + "'";
  if (options.offline) {
    if (auto cached = cached_snapshot(repo, options)) return *cached;
    throw HubCacheMissError("no cached snapshot of " + where + " in " + options.cache_dir +
                            " and outgoing traffic has been disabled (HF_HUB_OFFLINE=1; set HF_HUB_OFFLINE=0 to "
                            "download it)");
  }
  RepoInfo info;
  try {
    info = fetch_repo_info(repo, options.revision, options, session);
  } catch (const HubError& error) {
    if (!error.cache_may_answer()) throw;
    if (auto cached = cached_snapshot(repo, options)) {
      if (options.warning_stream)
        *options.warning_stream << "warning: " << error.what() << "; using the cached snapshot " << cached->folder
                                << "\n";
      return *cached;
    }
    if (error.http_status() == 401 || error.http_status() == 403 || error.http_status() == 404) throw;
    throw HubCacheMissError(std::string(error.what()) + "; and no snapshot of " + where + " is cached in " +
                                options.cache_dir,
                            error.http_status(), error.url());
  }
  const CacheLayout layout(options.cache_dir, repo);
  layout.record_ref(options.revision, info.commit);
  Snapshot snapshot{layout.snapshot_folder(info.commit), info.commit, select(info.files)};
  FileDownloader downloader(options, session);
  for (const auto& file : snapshot.files) downloader.download(repo, info.commit, file);
  return snapshot;
}

}  // namespace rb::hub

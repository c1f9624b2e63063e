#pragma once
// A repo's files at a revision into the cache, as huggingface_hub's snapshot_download does it: list
// the repo (one request), record refs/<revision>, keep the files the filter selects, fetch each at
// the listed commit (files already in the snapshot cost no request), return snapshots/<commit>.
// Offline, or when the listing fails softly (no connection, 401/403, 5xx, unknown repo), the
// snapshot folder of refs/<revision> (or of a commit-hash revision) is returned if it exists.
#include <functional>
#include <string>
#include <vector>

#include "hub/cache_layout.h"
#include "hub/hub_options.h"
#include "net/http_client.h"

namespace rb::hub {

// Chooses which of the listed files to fetch; may throw a HubError (e.g. "no weights in this repo").
using FileSelector = std::function<std::vector<std::string>(const std::vector<std::string>& repo_files)>;

struct Snapshot {
  std::string folder;
  std::string commit;
  std::vector<std::string> files;  // fetched (online), empty when answered from the cache
};

Snapshot snapshot_download(const RepoRef& repo, const HubOptions& options, const FileSelector& select,
                           net::HttpClient& session);

// The cached snapshot folder for options.revision, without any request.
std::optional<Snapshot> cached_snapshot(const RepoRef& repo, const HubOptions& options);

}  // namespace rb::hub

#pragma once
// A repo's file listing at a revision: GET {endpoint}/api/{models|datasets}/{repo_id}/revision/{rev},
// whose JSON has `sha` (the commit) and `siblings[].rfilename`.
#include <string>
#include <vector>

#include "hub/cache_layout.h"
#include "hub/hub_options.h"
#include "net/http_client.h"

namespace rb::hub {

struct RepoInfo {
  std::string commit;
  std::vector<std::string> files;
};

RepoInfo fetch_repo_info(const RepoRef& repo, const std::string& revision, const HubOptions& options,
                         net::HttpClient& session);

// The JSON body of that endpoint; `url` names it in errors.
RepoInfo parse_repo_info(const std::string& body, const std::string& url);

}  // namespace rb::hub

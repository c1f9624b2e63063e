#include "hub/repo_info.h"

#include <nlohmann/json.hpp>

#include "hub/file_download.h"
#include "hub/hub_error.h"
#include "hub/hub_status.h"
#include "hub/url.h"

namespace rb::hub {

RepoInfo parse_repo_info(const std::string& body, const std::string& url) {
  const nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object())
    throw HubError(url + ": the repo listing is not a JSON object", 200, url, true);
  RepoInfo info;
  if (!json.contains("sha") || !json["sha"].is_string())
    throw HubError(url + ": the repo listing has no `sha` (commit hash)", 200, url, true);
  info.commit = json["sha"].get<std::string>();
  if (!json.contains("siblings") || !json["siblings"].is_array())
    throw HubError(url + ": the repo listing has no `siblings` list", 200, url, true);
  for (const auto& sibling : json["siblings"]) {
    if (!sibling.is_object() || !sibling.contains("rfilename") || !sibling["rfilename"].is_string())
      throw HubError(url + ": a `siblings` entry has no string `rfilename`", 200, url, true);
    info.files.push_back(sibling["rfilename"].get<std::string>());
  }
  return info;
}

RepoInfo fetch_repo_info(const RepoRef& repo, const std::string& revision, const HubOptions& options,
                         net::HttpClient& session) {
  const std::string url = repo_info_url(options.endpoint, repo, revision);
  const std::vector<std::string> headers = hub_request_headers(options, url);
  const net::HttpResponse response = session.get(url, headers, options.etag_timeout_s);
  throw_if_failed(response, RequestContext{repo, revision, "", url, !headers.empty()});
  return parse_repo_info(response.body, url);
}

}  // namespace rb::hub

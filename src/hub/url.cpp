#include "hub/url.h"

#include <cctype>

namespace rb::hub {

std::string url_quote(const std::string& text, const std::string& safe) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string quoted;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~' || safe.find(static_cast<char>(c)) != std::string::npos) {
      quoted += static_cast<char>(c);
    } else {
      quoted += '%';
      quoted += kHex[c >> 4];
      quoted += kHex[c & 15];
    }
  }
  return quoted;
}

std::string resolve_url(const std::string& endpoint, const RepoRef& repo, const std::string& revision,
                        const std::string& filename) {
  const std::string prefix = repo.type == RepoType::Dataset ? "datasets/" : "";
  return endpoint + "/" + prefix + repo.id + "/resolve/" + url_quote(revision, "") + "/" + url_quote(filename);
}

std::string repo_info_url(const std::string& endpoint, const RepoRef& repo, const std::string& revision) {
  const std::string kind = repo.type == RepoType::Dataset ? "datasets" : "models";
  return endpoint + "/api/" + kind + "/" + repo.id + "/revision/" + url_quote(revision, "");
}

std::string url_origin(const std::string& url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return "";
  const size_t path_start = url.find_first_of("/?#", scheme_end + 3);
  return url.substr(0, path_start);
}

std::string resolve_relative_location(const std::string& base_url, const std::string& location) {
  if (!url_origin(location).empty()) return location;
  const size_t query = location.find_first_of("?#");
  return url_origin(base_url) + location.substr(0, query);
}

}  // namespace rb::hub

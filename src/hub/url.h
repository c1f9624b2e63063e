#pragma once
// The Hub's URLs, built as huggingface_hub builds them (urllib.parse.quote semantics).
#include <string>

#include "hub/cache_layout.h"

namespace rb::hub {

// urllib.parse.quote: letters, digits, "_.-~" and the characters of `safe` stay, the rest is %XX.
std::string url_quote(const std::string& text, const std::string& safe = "/");

// {endpoint}/{datasets/}{repo_id}/resolve/{quote(revision, safe="")}/{quote(filename)}
std::string resolve_url(const std::string& endpoint, const RepoRef& repo, const std::string& revision,
                        const std::string& filename);

// {endpoint}/api/{models|datasets}/{repo_id}/revision/{quote(revision, safe="")}
std::string repo_info_url(const std::string& endpoint, const RepoRef& repo, const std::string& revision);

// "scheme://host:port" of an absolute URL ("" for a relative one): Python's urlparse().netloc test.
std::string url_origin(const std::string& url);

// A redirect's Location made absolute against the URL that answered it (only the path of a relative
// Location is used, as huggingface_hub does for renamed repos).
std::string resolve_relative_location(const std::string& base_url, const std::string& location);

}  // namespace rb::hub

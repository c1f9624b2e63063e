#pragma once
// The Hub's typed error: an rb::IoError (the files could not be obtained) that also carries what
// the user needs to act on it: the URL, the repo, the file and the HTTP status (0: no response).
#include <string>

#include "common/error.h"

namespace rb::hub {

class HubError : public rb::IoError {
 public:
  HubError(const std::string& message, long http_status = 0, std::string url = {}, bool cache_may_answer = false)
      : rb::IoError(message), http_status_(http_status), url_(std::move(url)), cache_may_answer_(cache_may_answer) {}
  long http_status() const { return http_status_; }
  const std::string& url() const { return url_; }
  // True for failures after which huggingface_hub looks in the cache before giving up: no
  // connection, a timeout, a 5xx, an unknown/private/gated repo (401, 403, 404 RepoNotFound), a
  // server that is not a Hub. False for a revision or file the Hub says does not exist.
  bool cache_may_answer() const { return cache_may_answer_; }

 private:
  long http_status_;
  std::string url_;
  bool cache_may_answer_;
};

// Offline (HF_HUB_OFFLINE or no connection) and the files are not in the cache.
class HubCacheMissError : public HubError {
 public:
  using HubError::HubError;
};

}  // namespace rb::hub

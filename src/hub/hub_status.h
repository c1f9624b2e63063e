#pragma once
// Turns a failed Hub exchange into a HubError that says what to do, as huggingface_hub's
// hf_raise_for_status classifies it (X-Error-Code: RepoNotFound, RevisionNotFound, EntryNotFound,
// GatedRepo; 401 without a token means "set HF_TOKEN").
#include <string>

#include "hub/cache_layout.h"
#include "hub/hub_error.h"
#include "net/http_client.h"

namespace rb::hub {

struct RequestContext {
  RepoRef repo;
  std::string revision;
  std::string filename;  // empty for a repo listing
  std::string url;
  bool token_sent = false;
};

// The error for a response that did not complete or has a status >= 400 (never returns normally
// for those); does nothing for a completed response below 400.
void throw_if_failed(const net::HttpResponse& response, const RequestContext& context);

// "model 'org/name'" / "dataset 'org/name'".
std::string describe_repo(const RepoRef& repo);

}  // namespace rb::hub

#include "hub/hub_status.h"

namespace rb::hub {
namespace {

std::string server_message(const net::HttpResponse& response) {
  std::string message = response.header("x-error-message");
  if (message.empty() && response.body.size() < 300) message = response.body;
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.pop_back();
  return message.empty() ? "" : " (server: " + message + ")";
}

std::string what_was_asked(const RequestContext& context) {
  std::string text = describe_repo(context.repo);
  if (!context.filename.empty()) text = "file '" + context.filename + "' of " + text;
  return text + " at revision '" + context.revision + "'";
}

[[noreturn]] void throw_not_found(const net::HttpResponse& response, const RequestContext& context) {
  const std::string code = response.header("x-error-code");
  if (code == "EntryNotFound")
    throw HubError("file '" + context.filename + "' not found in " + describe_repo(context.repo) + " at revision '" +
                       context.revision + "' (404 from " + context.url + ")",
                   404, context.url);
  if (code == "RevisionNotFound")
    throw HubError("revision '" + context.revision + "' not found in " + describe_repo(context.repo) + " (404 from " +
                       context.url + ")",
                   404, context.url);
  throw HubError(describe_repo(context.repo) + " not found (404 from " + context.url +
                     "); check the repo id and that it is a " + repo_type_name(context.repo.type) + " repo",
                 404, context.url, /*cache_may_answer=*/true);
}

}  // namespace

std::string describe_repo(const RepoRef& repo) { return repo_type_name(repo.type) + " '" + repo.id + "'"; }

void throw_if_failed(const net::HttpResponse& response, const RequestContext& context) {
  if (!response.completed())
    throw HubError("cannot reach the Hub for " + what_was_asked(context) + ": " + response.transport_error + " (" +
                       context.url + ")",
                   response.status, context.url, /*cache_may_answer=*/true);
  const long status = response.status;
  if (status < 400) return;
  if (status == 401) {
    const std::string advice = context.token_sent
                                   ? "the token (HF_TOKEN) was not accepted for it, or it does not exist"
                                   : "it requires a token (set HF_TOKEN), or it does not exist";
    throw HubError("401 Unauthorized for " + what_was_asked(context) + ": " + advice + " (" + context.url + ")" +
                       server_message(response),
                   401, context.url, true);
  }
  if (status == 403) {
    const bool gated = response.header("x-error-code") == "GatedRepo";
    const std::string advice = gated ? "the repo is gated: accept its conditions on its Hub page with the account of "
                                       "your token (HF_TOKEN)"
                                     : "your token (HF_TOKEN) has no access to it";
    throw HubError("403 Forbidden for " + what_was_asked(context) + ": " + advice + " (" + context.url + ")" +
                       server_message(response),
                   403, context.url, true);
  }
  if (status == 404) throw_not_found(response, context);
  throw HubError("HTTP " + std::to_string(status) + " for " + what_was_asked(context) + " (" + context.url + ")" +
                     server_message(response),
                 status, context.url, /*cache_may_answer=*/status >= 500);
}

}  // namespace rb::hub

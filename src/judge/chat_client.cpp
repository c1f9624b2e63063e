#include "judge/chat_client.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <thread>

#include "common/error.h"

namespace rb::judge {
namespace {

bool is_retryable_status(long status) { return status == 408 || status == 409 || status == 429 || status >= 500; }
bool is_fatal_status(long status) { return status == 401 || status == 403 || status == 404; }

std::string describe(const net::HttpResponse& result) {
  if (!result.completed()) return "transport: " + result.transport_error;
  return "HTTP " + std::to_string(result.status) + ": " + result.body.substr(0, 300);
}

// Sleeps in short steps so a cancelled run does not wait out a long Retry-After.
void wait(double seconds, const std::atomic<bool>* cancelled) {
  using Clock = std::chrono::steady_clock;
  const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  while (Clock::now() < until) {
    if (cancelled && cancelled->load()) return;
    const Clock::duration left = until - Clock::now();
    std::this_thread::sleep_for(std::min<Clock::duration>(left, std::chrono::milliseconds(50)));
  }
}

}  // namespace

ChatOutcome send_chat(net::HttpClient& client, const ApiEndpoint& endpoint, const ChatRequest& request, RequestKind kind,
                      const RetryPolicy& policy, const std::atomic<bool>* cancelled) {
  ChatOutcome outcome;
  const auto headers = request_headers(endpoint);
  const int max_attempts = std::max(1, policy.max_attempts);
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    if (cancelled && cancelled->load()) break;
    outcome.attempts = attempt;
    const net::HttpResponse result = client.post(request.url, headers, request.body, policy.request_timeout_s);
    if (result.completed() && result.status == 200) {
      if (auto text = extract_answer_text(endpoint.protocol, result.body, kind)) {
        outcome.ok = true;
        outcome.text = std::move(*text);
        return outcome;
      }
      outcome.error = "malformed response body: " + result.body.substr(0, 300);
    } else {
      outcome.error = describe(result);
      if (result.completed() && is_fatal_status(result.status))
        throw Error("judge server " + request.url + " refused the request (" + outcome.error +
                    "): check the API key, base URL and model name");
      const bool retryable = !result.completed() || is_retryable_status(result.status);
      if (!retryable) return outcome;
    }
    if (attempt == max_attempts) break;
    const double backoff = std::min(policy.max_backoff_s, policy.initial_backoff_s * std::pow(2.0, attempt - 1));
    const std::optional<double> retry_after = net::retry_after_seconds(result);
    const double delay = retry_after ? std::min(*retry_after, policy.max_backoff_s) : backoff;
    wait(delay, cancelled);
  }
  return outcome;
}

}  // namespace rb::judge

#pragma once
// One judge request with retries: 429, 408, 409, 5xx, dropped connections, timeouts and
// malformed 200 bodies are retried with exponential backoff, waiting what Retry-After asks for
// when the server says. Authentication and not-found errors (401/403/404) stop the whole run,
// since every other request would fail the same way. Other 4xx answers fail this request only.
#include <atomic>
#include <string>

#include "judge/chat_api.h"
#include "net/http_client.h"

namespace rb::judge {

struct RetryPolicy {
  int max_attempts = 10;
  double initial_backoff_s = 1.0;  // doubled after each failed attempt
  double max_backoff_s = 60.0;     // also caps Retry-After
  double request_timeout_s = 600.0;
};

struct ChatOutcome {
  bool ok = false;
  std::string text;   // the answer when ok
  int attempts = 0;
  std::string error;  // the last failure when !ok
};

// Throws rb::Error for 401/403/404. `cancelled` (may be null) ends the retry loop early.
ChatOutcome send_chat(net::HttpClient& client, const ApiEndpoint& endpoint, const ChatRequest& request, RequestKind kind,
                      const RetryPolicy& policy, const std::atomic<bool>* cancelled = nullptr);

}  // namespace rb::judge

#pragma once
// A blocking HTTP POST over libcurl. One client per worker thread: it keeps its connections alive
// between requests. Transport failures (refused, dropped, timed out) come back as values, not
// exceptions, so the caller can decide to retry.
#include <optional>
#include <string>
#include <vector>

namespace rb::judge {

struct HttpResult {
  long status = 0;                     // 0 when no response arrived
  std::string body;
  std::optional<double> retry_after_s;  // from Retry-After (seconds or HTTP date) or retry-after-ms
  std::string transport_error;         // non-empty when no response arrived
  bool timed_out = false;
};

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResult post(const std::string& url, const std::vector<std::string>& headers, const std::string& body,
                  double timeout_s);

 private:
  void* handle_ = nullptr;  // CURL*
};

// Parses a Retry-After value: delta seconds ("2", "0.5") or an HTTP date (relative to now).
std::optional<double> parse_retry_after(const std::string& value);

}  // namespace rb::judge

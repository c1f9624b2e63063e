#pragma once
// The project's one HTTP client (libcurl, blocking): the Hub's HEAD, GET and streamed downloads,
// the judge's POSTs. One client per thread; it keeps its connections alive between requests.
// Transport failures (refused, cut, timed out) come back in the response, not as exceptions, so
// the caller decides whether to retry, resume or fall back to a cache.
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rb::net {

struct HttpResponse {
  long status = 0;                             // of the last response (after redirects); 0: none
  std::map<std::string, std::string> headers;  // of the last response; names lowercased
  std::string body;                            // error bodies and small GETs (not streamed bytes)
  std::string transport_error;                 // non-empty when the exchange did not complete
  bool timed_out = false;

  bool completed() const { return transport_error.empty(); }
  std::string header(const std::string& lowercase_name) const;
};

// Receives the body of a 2xx response as it arrives; `status` is that response's code. Return false
// to abort the transfer.
using BodySink = std::function<bool(long status, const char* data, size_t size)>;

class HttpClient {
 public:
  explicit HttpClient(std::string user_agent = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Does not follow redirects (the caller decides which to follow).
  HttpResponse head(const std::string& url, const std::vector<std::string>& headers, double timeout_s);
  // Follows redirects (curl does not forward a custom Authorization header to another host).
  HttpResponse get(const std::string& url, const std::vector<std::string>& headers, double timeout_s);
  // Follows redirects; `stall_timeout_s`: fail when no byte arrives for that long.
  HttpResponse get_streamed(const std::string& url, const std::vector<std::string>& headers, const BodySink& sink,
                            double connect_timeout_s, double stall_timeout_s);
  // Connection attempts give up after min(timeout, 30 s).
  HttpResponse post(const std::string& url, const std::vector<std::string>& headers, const std::string& body,
                    double timeout_s);

 private:
  void* handle_ = nullptr;  // CURL*
  std::string user_agent_;
};

// Seconds to wait before retrying, from retry-after-ms or Retry-After (delta seconds such as "2"
// or "0.5", or an HTTP date, relative to now); nullopt when neither is usable.
std::optional<double> retry_after_seconds(const HttpResponse& response);
std::optional<double> parse_retry_after(const std::string& value);

}  // namespace rb::net

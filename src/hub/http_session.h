#pragma once
// Blocking HTTP over libcurl for the Hub client: HEAD without following redirects (the caller
// decides which to follow), GET of a small body, and a streamed GET for downloads. Transport
// failures (refused, cut, timed out) come back in the response, not as exceptions, so the caller
// can resume or fall back to the cache.
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace rb::hub {

struct HttpResponse {
  long status = 0;                             // of the last response (after redirects)
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

class HttpSession {
 public:
  explicit HttpSession(std::string user_agent);
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  HttpResponse head(const std::string& url, const std::vector<std::string>& headers, double timeout_s);
  HttpResponse get(const std::string& url, const std::vector<std::string>& headers, double timeout_s);
  // Follows redirects (curl does not forward a custom Authorization header to another host).
  // `stall_timeout_s`: fail when no byte arrives for that long.
  HttpResponse get_streamed(const std::string& url, const std::vector<std::string>& headers, const BodySink& sink,
                            double connect_timeout_s, double stall_timeout_s);

 private:
  void* handle_ = nullptr;  // CURL*
  std::string user_agent_;
};

}  // namespace rb::hub

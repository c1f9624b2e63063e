#include "net/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <ctime>

#include "common/error.h"

namespace rb::net {
namespace {

void ensure_curl_initialised() {
  static const bool initialised = [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw IoError("http: curl_global_init failed");
    return true;
  }();
  (void)initialised;
}

std::string trim(const std::string& text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

struct Exchange {
  HttpResponse response;
  const BodySink* sink = nullptr;
  CURL* curl = nullptr;
};

// A new status line starts a new response (a redirect or a 100 Continue): keep only the last headers.
size_t read_header(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const std::string line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    exchange->response.headers.clear();
    return size * count;
  }
  const size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = trim(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    exchange->response.headers[name] = trim(line.substr(colon + 1));
  }
  return size * count;
}

size_t read_body(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const size_t bytes = size * count;
  if (exchange->sink) {
    long status = 0;
    curl_easy_getinfo(exchange->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) return (*exchange->sink)(status, data, bytes) ? bytes : 0;
    if (exchange->response.body.size() >= (1u << 20)) return bytes;  // an error page: keep its start
  }
  exchange->response.body.append(data, bytes);
  return bytes;
}

long milliseconds(double seconds) { return static_cast<long>(std::max(1.0, seconds * 1000.0)); }

curl_slist* make_header_list(const std::vector<std::string>& headers) {
  curl_slist* list = nullptr;
  for (const auto& header : headers) list = curl_slist_append(list, header.c_str());
  return list;
}

// A handle reset to defaults and pointed at `url`, with the callbacks filling `exchange`.
CURL* start(void* handle, Exchange& exchange, const std::string& url, const std::string& user_agent) {
  CURL* curl = static_cast<CURL*>(handle);
  curl_easy_reset(curl);
  exchange.curl = curl;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  if (!user_agent.empty()) curl_easy_setopt(curl, CURLOPT_USERAGENT, user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &read_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &exchange);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &read_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &exchange);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // required for timeouts in multi-threaded programs
  return curl;
}

void follow_redirects(CURL* curl) {
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
}

HttpResponse perform(CURL* curl, Exchange& exchange, const std::vector<std::string>& headers) {
  curl_slist* header_list = make_header_list(headers);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list);
  const CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(header_list);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &exchange.response.status);
  if (code != CURLE_OK) {
    exchange.response.transport_error = curl_easy_strerror(code);
    exchange.response.timed_out = code == CURLE_OPERATION_TIMEDOUT;
  }
  return std::move(exchange.response);
}

}  // namespace

std::string HttpResponse::header(const std::string& lowercase_name) const {
  auto it = headers.find(lowercase_name);
  return it == headers.end() ? std::string() : it->second;
}

HttpClient::HttpClient(std::string user_agent) : user_agent_(std::move(user_agent)) {
  ensure_curl_initialised();
  handle_ = curl_easy_init();
  if (!handle_) throw IoError("http: curl_easy_init failed");
}

HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(handle_)); }

HttpResponse HttpClient::head(const std::string& url, const std::vector<std::string>& headers, double timeout_s) {
  Exchange exchange;
  CURL* curl = start(handle_, exchange, url, user_agent_);
  curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, milliseconds(timeout_s));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(timeout_s));
  return perform(curl, exchange, headers);
}

HttpResponse HttpClient::get(const std::string& url, const std::vector<std::string>& headers, double timeout_s) {
  Exchange exchange;
  CURL* curl = start(handle_, exchange, url, user_agent_);
  follow_redirects(curl);
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, milliseconds(timeout_s));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(timeout_s));
  return perform(curl, exchange, headers);
}

HttpResponse HttpClient::get_streamed(const std::string& url, const std::vector<std::string>& headers,
                                      const BodySink& sink, double connect_timeout_s, double stall_timeout_s) {
  Exchange exchange;
  exchange.sink = &sink;
  CURL* curl = start(handle_, exchange, url, user_agent_);
  follow_redirects(curl);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(connect_timeout_s));
  // A stall, not a slow total, is the failure: under 1 byte/s for stall_timeout_s seconds.
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(std::max(1.0, std::ceil(stall_timeout_s))));
  curl_easy_setopt(curl, CURLOPT_BUFFERSIZE, 512L * 1024);  // fewer, larger writes for multi-GB weights
  return perform(curl, exchange, headers);
}

HttpResponse HttpClient::post(const std::string& url, const std::vector<std::string>& headers, const std::string& body,
                              double timeout_s) {
  Exchange exchange;
  CURL* curl = start(handle_, exchange, url, user_agent_);
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, milliseconds(timeout_s));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(std::min(timeout_s, 30.0)));
  return perform(curl, exchange, headers);
}

std::optional<double> parse_retry_after(const std::string& value) {
  const std::string text = trim(value);
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double seconds = std::strtod(text.c_str(), &end);
  if (end != text.c_str() && *end == '\0') return seconds >= 0 ? std::optional<double>(seconds) : std::nullopt;
  const time_t when = curl_getdate(text.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  return std::max(0.0, std::difftime(when, std::time(nullptr)));
}

std::optional<double> retry_after_seconds(const HttpResponse& response) {
  if (!response.completed()) return std::nullopt;
  const std::string ms_text = response.header("retry-after-ms");
  if (!ms_text.empty()) {
    char* end = nullptr;
    const double ms = std::strtod(ms_text.c_str(), &end);
    if (end != ms_text.c_str() && ms >= 0) return ms / 1000.0;
  }
  const std::string value = response.header("retry-after");
  return value.empty() ? std::nullopt : parse_retry_after(value);
}

}  // namespace rb::net

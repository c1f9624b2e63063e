#include "hub/http_session.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "hub/hub_error.h"

namespace rb::hub {
namespace {

void ensure_curl_initialised() {
  static const bool initialised = [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw HubError("hub: curl_global_init failed");
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
  long status = 0;
  curl_easy_getinfo(exchange->curl, CURLINFO_RESPONSE_CODE, &status);
  if (exchange->sink && status >= 200 && status < 300) return (*exchange->sink)(status, data, bytes) ? bytes : 0;
  if (exchange->response.body.size() < (1u << 20)) exchange->response.body.append(data, bytes);
  return bytes;
}

long milliseconds(double seconds) { return static_cast<long>(std::max(1.0, seconds * 1000.0)); }

}  // namespace

std::string HttpResponse::header(const std::string& lowercase_name) const {
  auto it = headers.find(lowercase_name);
  return it == headers.end() ? std::string() : it->second;
}

HttpSession::HttpSession(std::string user_agent) : user_agent_(std::move(user_agent)) {
  ensure_curl_initialised();
  handle_ = curl_easy_init();
  if (!handle_) throw HubError("hub: curl_easy_init failed");
}

HttpSession::~HttpSession() { curl_easy_cleanup(static_cast<CURL*>(handle_)); }

namespace {

HttpResponse perform(CURL* curl, Exchange& exchange, curl_slist* header_list) {
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &read_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &exchange);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &read_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &exchange);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  const CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(header_list);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &exchange.response.status);
  if (code != CURLE_OK) {
    exchange.response.transport_error = curl_easy_strerror(code);
    exchange.response.timed_out = code == CURLE_OPERATION_TIMEDOUT;
  }
  return std::move(exchange.response);
}

curl_slist* make_header_list(const std::vector<std::string>& headers) {
  curl_slist* list = nullptr;
  for (const auto& header : headers) list = curl_slist_append(list, header.c_str());
  return list;
}

}  // namespace

HttpResponse HttpSession::head(const std::string& url, const std::vector<std::string>& headers, double timeout_s) {
  CURL* curl = static_cast<CURL*>(handle_);
  curl_easy_reset(curl);
  Exchange exchange;
  exchange.curl = curl;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, user_agent_.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, milliseconds(timeout_s));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(timeout_s));
  return perform(curl, exchange, make_header_list(headers));
}

HttpResponse HttpSession::get(const std::string& url, const std::vector<std::string>& headers, double timeout_s) {
  CURL* curl = static_cast<CURL*>(handle_);
  curl_easy_reset(curl);
  Exchange exchange;
  exchange.curl = curl;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, user_agent_.c_str());
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, milliseconds(timeout_s));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(timeout_s));
  return perform(curl, exchange, make_header_list(headers));
}

HttpResponse HttpSession::get_streamed(const std::string& url, const std::vector<std::string>& headers,
                                       const BodySink& sink, double connect_timeout_s, double stall_timeout_s) {
  CURL* curl = static_cast<CURL*>(handle_);
  curl_easy_reset(curl);
  Exchange exchange;
  exchange.curl = curl;
  exchange.sink = &sink;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, user_agent_.c_str());
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(connect_timeout_s));
  // A stall, not a slow total, is the failure: under 1 byte/s for stall_timeout_s seconds.
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(std::max(1.0, std::ceil(stall_timeout_s))));
  curl_easy_setopt(curl, CURLOPT_BUFFERSIZE, 512L * 1024);  // fewer, larger writes for multi-GB weights
  return perform(curl, exchange, make_header_list(headers));
}

}  // namespace rb::hub

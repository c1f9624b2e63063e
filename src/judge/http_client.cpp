#include "judge/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <ctime>

#include "common/error.h"

namespace rb::judge {
namespace {

void ensure_curl_initialised() {
  static const bool initialised = [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw Error("judge: curl_global_init failed");
    return true;
  }();
  (void)initialised;
}

size_t append_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string trim(const std::string& text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// Keeps the Retry-After of the final response (headers of earlier 1xx responses are overwritten).
size_t read_header(char* data, size_t size, size_t count, void* user) {
  auto* result = static_cast<HttpResult*>(user);
  const std::string line(data, size * count);
  const size_t colon = line.find(':');
  if (colon != std::string::npos) {
    const std::string name = lower(trim(line.substr(0, colon)));
    const std::string value = trim(line.substr(colon + 1));
    if (name == "retry-after-ms") {
      char* end = nullptr;
      const double ms = std::strtod(value.c_str(), &end);
      if (end != value.c_str() && ms >= 0) result->retry_after_s = ms / 1000.0;
    } else if (name == "retry-after" && !result->retry_after_s) {
      result->retry_after_s = parse_retry_after(value);
    }
  }
  return size * count;
}

}  // namespace

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

HttpClient::HttpClient() {
  ensure_curl_initialised();
  handle_ = curl_easy_init();
  if (!handle_) throw Error("judge: curl_easy_init failed");
}

HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(handle_)); }

HttpResult HttpClient::post(const std::string& url, const std::vector<std::string>& headers, const std::string& body,
                            double timeout_s) {
  CURL* curl = static_cast<CURL*>(handle_);
  HttpResult result;
  curl_slist* header_list = nullptr;
  for (const auto& header : headers) header_list = curl_slist_append(header_list, header.c_str());

  curl_easy_reset(curl);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &read_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_s * 1000.0));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min(timeout_s, 30.0) * 1000.0));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // required for timeouts in multi-threaded programs
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");

  const CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(header_list);
  if (code != CURLE_OK) {
    result.status = 0;
    result.transport_error = curl_easy_strerror(code);
    result.timed_out = code == CURLE_OPERATION_TIMEDOUT;
    result.retry_after_s.reset();
    return result;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  return result;
}

}  // namespace rb::judge

#include "judge/chat_api.h"

#include <cstdlib>

#include "common/error.h"
#include "common/sha256.h"

namespace rb::judge {
namespace {

using Json = nlohmann::ordered_json;

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::string first_non_empty(const std::string& a, const std::string& b, const std::string& c) {
  return !a.empty() ? a : !b.empty() ? b : c;
}

Json openai_body(const std::string& model, const ChatPrompt& prompt, RequestKind kind) {
  const bool o1 = model.find("o1-") != std::string::npos;
  Json messages = Json::array();
  if (!prompt.system.empty() && !o1) messages.push_back({{"role", "system"}, {"content", prompt.system}});
  messages.push_back({{"role", "user"}, {"content", prompt.user}});
  Json body = {{"model", model}, {"messages", messages}};
  if (kind == RequestKind::kRating) {
    body["temperature"] = 0;
    body["max_tokens"] = 1024;
  } else if (o1) {
    body["n"] = 1;
    body["temperature"] = 1;
  } else {
    body["n"] = 1;
    body["temperature"] = 0;
    body["max_tokens"] = 2048;
  }
  return body;
}

Json anthropic_body(const std::string& model, const ChatPrompt& prompt, RequestKind kind) {
  Json body = {{"model", model},
               {"messages", Json::array({{{"role", "user"}, {"content", prompt.user}}})},
               {"max_tokens", 1024},
               {"temperature", 0}};
  if (!prompt.system.empty()) body["system"] = prompt.system;
  if (kind == RequestKind::kVerdict) body["stop_sequences"] = Json::array({"\n\nHuman:"});
  return body;
}

std::string strip(const std::string& text) {
  const char* kSpace = " \t\n\r\v\f";
  const size_t first = text.find_first_not_of(kSpace);
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

}  // namespace

Protocol resolve_protocol(const std::string& name, const std::string& model) {
  if (name == "openai") return Protocol::kOpenAI;
  if (name == "anthropic") return Protocol::kAnthropic;
  if (name.empty() || name == "auto") return model.rfind("claude", 0) == 0 ? Protocol::kAnthropic : Protocol::kOpenAI;
  throw InputError("unknown judge protocol '" + name + "' (openai, anthropic, auto)");
}

const char* protocol_name(Protocol protocol) { return protocol == Protocol::kOpenAI ? "openai" : "anthropic"; }

ApiEndpoint resolve_endpoint(Protocol protocol, const std::string& base_url, const std::string& api_key) {
  ApiEndpoint endpoint;
  endpoint.protocol = protocol;
  if (protocol == Protocol::kOpenAI) {
    endpoint.base_url = first_non_empty(base_url, environment("OPENAI_BASE_URL"), "https://api.openai.com/v1");
    endpoint.api_key = first_non_empty(api_key, environment("OPENAI_API_KEY"), "");
  } else {
    endpoint.base_url = first_non_empty(base_url, environment("ANTHROPIC_BASE_URL"), "https://api.anthropic.com");
    endpoint.api_key = first_non_empty(api_key, environment("ANTHROPIC_API_KEY"), "");
  }
  while (!endpoint.base_url.empty() && endpoint.base_url.back() == '/') endpoint.base_url.pop_back();
  return endpoint;
}

ChatRequest build_chat_request(const ApiEndpoint& endpoint, const std::string& model, const ChatPrompt& prompt,
                               RequestKind kind) {
  ChatRequest request;
  if (endpoint.protocol == Protocol::kOpenAI) {
    request.url = endpoint.base_url + "/chat/completions";
    request.body = openai_body(model, prompt, kind).dump();
  } else {
    // ANTHROPIC_BASE_URL conventionally has no /v1 (the SDK appends /v1/messages).
    request.url = endpoint.base_url + "/v1/messages";
    request.body = anthropic_body(model, prompt, kind).dump();
  }
  request.cache_key = sha256_hex(std::string(protocol_name(endpoint.protocol)) + "\n" + request.url + "\n" + request.body);
  return request;
}

std::vector<std::string> request_headers(const ApiEndpoint& endpoint) {
  std::vector<std::string> headers = {"Content-Type: application/json"};
  if (endpoint.protocol == Protocol::kOpenAI) {
    if (!endpoint.api_key.empty()) headers.push_back("Authorization: Bearer " + endpoint.api_key);
  } else {
    if (!endpoint.api_key.empty()) headers.push_back("x-api-key: " + endpoint.api_key);
    headers.push_back("anthropic-version: 2023-06-01");
  }
  return headers;
}

std::optional<std::string> extract_answer_text(Protocol protocol, const std::string& body, RequestKind kind) {
  const auto json = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  const Json* content = nullptr;
  if (protocol == Protocol::kOpenAI) {
    const auto choices = json.find("choices");
    if (choices == json.end() || !choices->is_array() || choices->empty()) return std::nullopt;
    const auto& choice = (*choices)[0];
    if (!choice.is_object() || !choice.contains("message") || !choice["message"].is_object()) return std::nullopt;
    const auto& message = choice["message"];
    if (!message.contains("content")) return std::nullopt;
    content = &message["content"];
  } else {
    const auto blocks = json.find("content");
    if (blocks == json.end() || !blocks->is_array()) return std::nullopt;
    if (blocks->empty()) return std::string();
    const auto& block = (*blocks)[0];
    if (!block.is_object() || !block.contains("text")) return std::nullopt;
    content = &block["text"];
  }
  if (content->is_null()) return std::string();
  if (!content->is_string()) return std::nullopt;
  std::string text = content->get<std::string>();
  if (protocol == Protocol::kAnthropic && kind == RequestKind::kVerdict) text = strip(text);
  return text;
}

}  // namespace rb::judge

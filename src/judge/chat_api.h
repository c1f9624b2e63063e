#pragma once
// The two wire protocols a judge is reached by: OpenAI chat completions (also what vLLM, SGLang,
// llama.cpp, Together and Gemini's compatibility endpoint serve) and Anthropic messages. Requests
// carry the reference's sampling parameters; the API key travels only in headers, never in the
// request text that names a cache entry.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "judge/judge_prompt.h"

namespace rb::judge {

enum class Protocol { kOpenAI, kAnthropic };

// "openai", "anthropic", or "auto" (Anthropic for model names starting "claude", else OpenAI).
Protocol resolve_protocol(const std::string& name, const std::string& model);
const char* protocol_name(Protocol protocol);

struct ApiEndpoint {
  Protocol protocol = Protocol::kOpenAI;
  std::string base_url;  // e.g. https://api.openai.com/v1 or http://127.0.0.1:8000/v1
  std::string api_key;   // may be empty (local servers)
};

// Base URL and key from the options, else OPENAI_BASE_URL / OPENAI_API_KEY (or ANTHROPIC_BASE_URL /
// ANTHROPIC_API_KEY), else the vendor's public URL. Trailing slashes are dropped.
ApiEndpoint resolve_endpoint(Protocol protocol, const std::string& base_url, const std::string& api_key);

// What a request is for: the reference uses different limits for pairwise verdicts and ratings.
enum class RequestKind { kVerdict, kRating };

struct ChatRequest {
  std::string url;
  std::string body;       // the exact JSON sent
  std::string cache_key;  // SHA-256 of protocol, url and body
};

// OpenAI verdicts: temperature 0, max_tokens 2048, n 1; "o1-" models drop the system message and
// use temperature 1 without max_tokens. Ratings: temperature 0, max_tokens 1024.
// Anthropic: max_tokens 1024, temperature 0, system passed separately; verdicts add
// stop_sequences ["\n\nHuman:"].
ChatRequest build_chat_request(const ApiEndpoint& endpoint, const std::string& model, const ChatPrompt& prompt,
                               RequestKind kind);

// Headers to send (auth, version, content type).
std::vector<std::string> request_headers(const ApiEndpoint& endpoint);

// The answer text of a 200 response; nullopt when the body is not the protocol's shape. A null
// content is an empty answer. Anthropic verdict text is stripped as the reference strips it.
std::optional<std::string> extract_answer_text(Protocol protocol, const std::string& body, RequestKind kind);

}  // namespace rb::judge

#pragma once
// Typed access to tokenizer.json fields. Every error names the file and the JSON path of the
// offending field, so a malformed tokenizer.json can be fixed without reading our code.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rb::text {

// Where a JSON value came from: the file (or "<memory>") and its path inside the document.
struct JsonContext {
  std::string origin;
  std::string path;  // e.g. "model.merges[12]"

  JsonContext child(const std::string& key) const;
  JsonContext index(size_t i) const;
  [[noreturn]] void fail(const std::string& message) const;  // throws rb::TokenizerError
};

const nlohmann::json& require_field(const nlohmann::json& object, const char* key,
                                    const JsonContext& ctx);
const nlohmann::json& require_object(const nlohmann::json& value, const JsonContext& ctx);
const nlohmann::json& require_array(const nlohmann::json& value, const JsonContext& ctx);
std::string require_string(const nlohmann::json& value, const JsonContext& ctx);
int64_t require_integer(const nlohmann::json& value, const JsonContext& ctx);
bool require_bool(const nlohmann::json& value, const JsonContext& ctx);

// Optional fields: absent or null gives the fallback.
bool bool_or(const nlohmann::json& object, const char* key, bool fallback, const JsonContext& ctx);
std::string string_or(const nlohmann::json& object, const char* key, const std::string& fallback,
                      const JsonContext& ctx);
bool has_non_null(const nlohmann::json& object, const char* key);

// The "type" tag of a component object (normalizer, pre_tokenizer, model, ...).
std::string component_type(const nlohmann::json& object, const JsonContext& ctx);

// The steps of a "Sequence" component: make(entry, its context) for every entry of
// config[list_key], in order; entries made into nullptr (no-op components) are left out.
template <class Component, class Make>
std::vector<std::unique_ptr<Component>> sequence_steps(const nlohmann::json& config, const char* list_key,
                                                       const JsonContext& ctx, Make make) {
  const JsonContext list_ctx = ctx.child(list_key);
  const auto& list = require_array(require_field(config, list_key, ctx), list_ctx);
  std::vector<std::unique_ptr<Component>> steps;
  for (size_t i = 0; i < list.size(); ++i) {
    if (auto step = make(list[i], list_ctx.index(i))) steps.push_back(std::move(step));
  }
  return steps;
}

}  // namespace rb::text

#include "text/tokenizer/json_fields.h"

#include "common/error.h"

namespace rb::text {

JsonContext JsonContext::child(const std::string& key) const {
  return {origin, path.empty() ? key : path + "." + key};
}

JsonContext JsonContext::index(size_t i) const {
  return {origin, path + "[" + std::to_string(i) + "]"};
}

void JsonContext::fail(const std::string& message) const {
  throw TokenizerError(origin + ": " + (path.empty() ? std::string("<root>") : path) + ": " +
                       message);
}

const nlohmann::json& require_field(const nlohmann::json& object, const char* key,
                                    const JsonContext& ctx) {
  require_object(object, ctx);
  auto it = object.find(key);
  if (it == object.end()) ctx.fail(std::string("missing field '") + key + "'");
  return *it;
}

const nlohmann::json& require_object(const nlohmann::json& value, const JsonContext& ctx) {
  if (!value.is_object()) ctx.fail("expected an object, got " + std::string(value.type_name()));
  return value;
}

const nlohmann::json& require_array(const nlohmann::json& value, const JsonContext& ctx) {
  if (!value.is_array()) ctx.fail("expected an array, got " + std::string(value.type_name()));
  return value;
}

std::string require_string(const nlohmann::json& value, const JsonContext& ctx) {
  if (!value.is_string()) ctx.fail("expected a string, got " + std::string(value.type_name()));
  return value.get<std::string>();
}

int64_t require_integer(const nlohmann::json& value, const JsonContext& ctx) {
  if (!value.is_number_integer()) {
    ctx.fail("expected an integer, got " + std::string(value.type_name()));
  }
  return value.get<int64_t>();
}

bool require_bool(const nlohmann::json& value, const JsonContext& ctx) {
  if (!value.is_boolean()) ctx.fail("expected a boolean, got " + std::string(value.type_name()));
  return value.get<bool>();
}

bool has_non_null(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && !it->is_null();
}

bool bool_or(const nlohmann::json& object, const char* key, bool fallback,
             const JsonContext& ctx) {
  if (!has_non_null(object, key)) return fallback;
  return require_bool(object.at(key), ctx.child(key));
}

std::string string_or(const nlohmann::json& object, const char* key, const std::string& fallback,
                      const JsonContext& ctx) {
  if (!has_non_null(object, key)) return fallback;
  return require_string(object.at(key), ctx.child(key));
}

std::string component_type(const nlohmann::json& object, const JsonContext& ctx) {
  return require_string(require_field(object, "type", ctx), ctx.child("type"));
}

}  // namespace rb::text

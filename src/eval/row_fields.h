#pragma once
// Typed fields of one dataset row, for every row format (v1 pairs, RewardBench 2, instruction
// data): each error is an rb::InputError that names the row and the field, e.g.
//   data.jsonl:17: field "chosen": expected a string, got number
#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"
#include "eval/dataset.h"

namespace rb::eval {

class RowFields {
 public:
  explicit RowFields(const std::string& origin) : origin_(origin) {}

  [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
    throw InputError(origin_ + ": field \"" + field + "\": " + problem);
  }
  [[noreturn]] void wrong_type(const std::string& field, const std::string& expected, const Json& value) const {
    fail(field, "expected " + expected + ", got " + value.type_name());
  }

  const Json& required(const Json& row, const std::string& field) const {
    if (!row.contains(field)) fail(field, "missing");
    return row[field];
  }

  // A value that must be a string / an integer / a list of messages.
  std::string text(const Json& value, const std::string& field) const {
    if (!value.is_string()) wrong_type(field, "a string", value);
    return value.get<std::string>();
  }
  int64_t integer(const Json& value, const std::string& field) const {
    if (!value.is_number_integer()) wrong_type(field, "an integer", value);
    return value.get<int64_t>();
  }
  Messages messages(const Json& value, const std::string& field) const {
    if (!value.is_array()) wrong_type(field, "a list of messages", value);
    Messages result;
    result.reserve(value.size());
    for (size_t i = 0; i < value.size(); ++i) result.push_back(message(value[i], field + "[" + std::to_string(i) + "]"));
    return result;
  }
  // The same for the row's field `field`, which must be present.
  std::string text_at(const Json& row, const std::string& field) const { return text(required(row, field), field); }
  int64_t integer_at(const Json& row, const std::string& field) const { return integer(required(row, field), field); }
  std::vector<std::string> texts_at(const Json& row, const std::string& field) const {
    return texts(required(row, field), field);
  }

  std::vector<std::string> texts(const Json& value, const std::string& field) const {
    if (!value.is_array()) wrong_type(field, "a list of strings", value);
    std::vector<std::string> items;
    items.reserve(value.size());
    for (size_t i = 0; i < value.size(); ++i) items.push_back(text(value[i], field + "[" + std::to_string(i) + "]"));
    return items;
  }

 private:
  Message message(const Json& value, const std::string& field) const {
    if (!value.is_object()) wrong_type(field, "a message object {role, content}", value);
    for (const char* key : {"role", "content"}) {
      if (!value.contains(key)) fail(field + "." + key, "missing");
    }
    return Message{text(value["role"], field + ".role"), text(value["content"], field + ".content")};
  }

  const std::string& origin_;
};

// The column that holds a row's prompt: `prompt`, else `question`, else `input` (the reference
// renames that column to `prompt`).
inline std::string prompt_column(const Json& row) {
  if (row.contains("prompt")) return "prompt";
  if (row.contains("question")) return "question";
  if (row.contains("input")) return "input";
  return "prompt";
}

}  // namespace rb::eval

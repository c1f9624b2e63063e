#pragma once
// Python's json.dumps as transformers' tojson filter calls it: ensure_ascii=False by default,
// separators (", ", ": ") without indent and ("," , ": ") with one, Python float repr.
#include <optional>
#include <string>

#include "template/value.h"

namespace rb::tmpl {

struct JsonDumpOptions {
  std::optional<std::string> indent;  // None: one line; a number n becomes n spaces
  std::optional<std::string> item_separator;
  std::optional<std::string> key_separator;
  bool sort_keys = false;
  bool ensure_ascii = false;
};

// Throws RenderError(TypeError) for values JSON cannot hold (Undefined, callables, ...).
std::string json_dumps(const Value& value, const JsonDumpOptions& options);

}  // namespace rb::tmpl

#pragma once
// Reading dataset files into rows: a `.json` file holding an array of row objects (or an object
// with one such array, or JSON lines) and `.jsonl` files. Every row remembers where it came
// from ("file:line") so that later validation errors can point the user at the exact line.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace rb::io {

using Json = nlohmann::ordered_json;

struct JsonRow {
  Json value;          // always a JSON object
  std::string origin;  // "file:line" of the row's first character
};

// Reads every row of `path`. Throws rb::IoError when the file cannot be read and rb::InputError
// (naming file, line and column) for invalid UTF-8, malformed JSON or rows that are not objects.
std::vector<JsonRow> read_json_rows(const std::string& path);

// Same, from text already in memory; `origin_name` stands in for the file name in messages.
// `json_lines` forces JSON-lines parsing (what a `.jsonl` file gets); otherwise the layout is
// detected: a top-level array, an object holding exactly one array of objects, or JSON lines.
std::vector<JsonRow> parse_json_rows(std::string_view text, const std::string& origin_name,
                                     bool json_lines);

}  // namespace rb::io

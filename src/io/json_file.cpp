#include "io/json_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "common/file_io.h"
#include "common/utf8.h"

namespace rb::io {
namespace {

// Maps byte offsets to 1-based line and column numbers for error messages and row origins.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') line_starts_.push_back(i + 1);
    }
  }
  size_t line_of(size_t offset) const {
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    return static_cast<size_t>(it - line_starts_.begin());
  }
  size_t column_of(size_t offset) const { return offset - line_starts_[line_of(offset) - 1] + 1; }

 private:
  std::vector<size_t> line_starts_;
};

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t skip_space(std::string_view text, size_t pos) {
  while (pos < text.size() && is_json_space(text[pos])) ++pos;
  return pos;
}

// The scanners below only run on text nlohmann already accepted, so they can stay simple:
// they find where values start and end, never validate.
size_t skip_string(std::string_view text, size_t pos) {
  for (++pos; pos < text.size(); ++pos) {
    if (text[pos] == '\\') {
      ++pos;
    } else if (text[pos] == '"') {
      return pos + 1;
    }
  }
  return text.size();
}

size_t skip_value(std::string_view text, size_t pos) {
  int depth = 0;
  while (pos < text.size()) {
    char c = text[pos];
    if (c == '"') {
      pos = skip_string(text, pos);
      if (depth == 0) return pos;
      continue;
    }
    if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth == 0) return pos;  // end of an enclosing container: scalar ended
      --depth;
      if (depth == 0) return pos + 1;
    } else if (depth == 0 && (c == ',' || is_json_space(c))) {
      return pos;
    }
    ++pos;
  }
  return pos;
}

// Offsets of the elements of the array that starts (with '[') at `pos`.
std::vector<size_t> array_element_offsets(std::string_view text, size_t pos) {
  std::vector<size_t> offsets;
  pos = skip_space(text, pos + 1);
  if (pos < text.size() && text[pos] == ']') return offsets;
  while (pos < text.size()) {
    offsets.push_back(pos);
    pos = skip_space(text, skip_value(text, pos));
    if (pos >= text.size() || text[pos] != ',') break;
    pos = skip_space(text, pos + 1);
  }
  return offsets;
}

// Offset of the value of member `key` in the object that starts (with '{') at `pos`.
size_t object_member_offset(std::string_view text, size_t pos, const std::string& key) {
  pos = skip_space(text, pos + 1);
  while (pos < text.size() && text[pos] == '"') {
    size_t key_end = skip_string(text, pos);
    std::string name = Json::parse(text.substr(pos, key_end - pos)).get<std::string>();
    size_t value_start = skip_space(text, skip_space(text, key_end) + 1);  // past ':'
    if (name == key) return value_start;
    pos = skip_space(text, skip_value(text, value_start));
    if (pos >= text.size() || text[pos] != ',') break;
    pos = skip_space(text, pos + 1);
  }
  return std::string_view::npos;
}

// "syntax error while parsing value - invalid literal; last read: 'tru,'" out of nlohmann's
// "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ...".
std::string parse_error_detail(const nlohmann::json::parse_error& error) {
  std::string what = error.what();
  size_t column = what.find("column ");
  size_t colon = what.find(": ", column == std::string::npos ? 0 : column);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

class RowReader {
 public:
  RowReader(std::string_view text, std::string name) : text_(text), name_(std::move(name)), lines_(text) {}

  std::string origin(size_t offset) const { return name_ + ":" + std::to_string(lines_.line_of(offset)); }
  std::string position(size_t offset) const {
    return origin(offset) + ":" + std::to_string(lines_.column_of(offset));
  }

  [[noreturn]] void throw_parse_error(const nlohmann::json::parse_error& error, size_t start,
                                      size_t length) const {
    // nlohmann counts bytes read, so the offending byte is the last one read.
    size_t read = error.byte == 0 ? 0 : error.byte - 1;
    size_t offset = start + std::min(read, length == 0 ? 0 : length - 1);
    throw InputError(position(offset) + ": invalid JSON: " + parse_error_detail(error));
  }

  JsonRow make_row(Json value, size_t offset) const {
    if (!value.is_object()) {
      throw InputError(origin(offset) + ": expected a JSON object (one row), got " +
                       std::string(value.type_name()));
    }
    return JsonRow{std::move(value), origin(offset)};
  }

  std::vector<JsonRow> json_lines() const {
    std::vector<JsonRow> rows;
    size_t line_start = 0;
    while (line_start < text_.size()) {
      size_t line_end = text_.find('\n', line_start);
      if (line_end == std::string_view::npos) line_end = text_.size();
      std::string_view line = text_.substr(line_start, line_end - line_start);
      size_t first = skip_space(line, 0);
      if (first < line.size()) {
        try {
          rows.push_back(make_row(Json::parse(line), line_start + first));
        } catch (const nlohmann::json::parse_error& error) {
          throw_parse_error(error, line_start, line.size());
        }
      }
      line_start = line_end + 1;
    }
    return rows;
  }

  std::vector<JsonRow> rows_of_array(const Json& array, size_t array_offset) const {
    std::vector<size_t> offsets = array_element_offsets(text_, array_offset);
    std::vector<JsonRow> rows;
    rows.reserve(array.size());
    for (size_t i = 0; i < array.size(); ++i) {
      rows.push_back(make_row(array[i], i < offsets.size() ? offsets[i] : array_offset));
    }
    return rows;
  }

  std::vector<JsonRow> detect_layout() const {
    size_t first = skip_space(text_, 0);
    if (first == text_.size()) return {};
    Json document;
    try {
      document = Json::parse(text_);
    } catch (const nlohmann::json::parse_error& error) {
      if (first_line_is_complete_value(first)) return json_lines();
      throw_parse_error(error, 0, text_.size());
    }
    if (document.is_array()) return rows_of_array(document, first);
    if (document.is_object() && text_.find('\n', first) < text_.find_last_not_of(" \t\r\n")) {
      return rows_of_member_array(document, first);
    }
    return {make_row(std::move(document), first)};
  }

 private:
  bool first_line_is_complete_value(size_t first) const {
    size_t end = text_.find('\n', first);
    std::string_view line = text_.substr(first, end == std::string_view::npos ? text_.npos : end - first);
    return Json::accept(line);
  }

  // A multi-line object is a container of rows: it must hold exactly one array of objects.
  std::vector<JsonRow> rows_of_member_array(const Json& document, size_t first) const {
    std::vector<std::string> candidates, fields;
    for (const auto& [key, value] : document.items()) {
      fields.push_back(key);
      bool all_objects = value.is_array() && !value.empty() &&
                         std::all_of(value.begin(), value.end(), [](const Json& v) { return v.is_object(); });
      if (all_objects) candidates.push_back(key);
    }
    if (candidates.size() != 1) {
      std::string listed;
      for (const auto& field : fields) listed += (listed.empty() ? "" : ", ") + ("\"" + field + "\"");
      throw InputError(origin(first) + ": a top-level JSON object must hold exactly one array of row objects; " +
                       "found " + std::to_string(candidates.size()) + " among fields " + listed);
    }
    size_t array_offset = object_member_offset(text_, first, candidates.front());
    return rows_of_array(document[candidates.front()], array_offset);
  }

  std::string_view text_;
  std::string name_;
  LineIndex lines_;
};

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::vector<JsonRow> parse_json_rows(std::string_view text, const std::string& origin_name, bool json_lines) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a byte-order mark carries no data
  RowReader reader(text, origin_name);
  size_t bad = utf8::find_invalid(text);
  if (bad != std::string_view::npos) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[bad]));
    throw InputError(reader.position(bad) + ": invalid UTF-8 (byte " + hex + ")");
  }
  return json_lines ? reader.json_lines() : reader.detect_layout();
}

std::vector<JsonRow> read_json_rows(const std::string& path) {
  std::string text = read_file(path);
  return parse_json_rows(text, path, ends_with(path, ".jsonl"));
}

}  // namespace rb::io

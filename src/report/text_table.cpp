#include "report/text_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "report/python_json.h"

namespace rb::report {
namespace {

size_t code_points(const std::string& text) {
  size_t count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80 ? 1 : 0;
  return count;
}

// format(value, "g"): C's %g is the same for finite values, "nan" and "inf".
std::string g_format(double value) {
  if (std::isnan(value)) return "nan";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

// tabulate's _afterpoint: digits after the decimal point (or after the exponent's "e" when there
// is no point), -1 for integers and non-numbers such as "nan".
int after_point(const std::string& text) {
  if (text == "nan" || text == "inf" || text == "-inf") return -1;
  size_t point = text.rfind('.');
  if (point == std::string::npos) point = text.rfind('e');
  if (point == std::string::npos) return -1;
  return static_cast<int>(text.size() - point - 1);
}

std::string pad_left(const std::string& text, size_t width) {
  size_t length = code_points(text);
  return std::string(width > length ? width - length : 0, ' ') + text;
}

std::string pad_right(const std::string& text, size_t width) {
  size_t length = code_points(text);
  return text + std::string(width > length ? width - length : 0, ' ');
}

struct FormattedColumn {
  std::vector<std::string> cells;  // aligned to `width`
  std::vector<bool> missing;
  size_t width = 0;
};

FormattedColumn format_column(const TextTable& table, size_t column) {
  FormattedColumn out;
  const bool numeric = table.numeric[column];
  std::vector<std::string> texts;
  for (const auto& row : table.rows) {
    const auto& cell = row[column];
    if (numeric) {
      double value = std::holds_alternative<double>(cell) ? std::get<double>(cell) : std::nan("");
      texts.push_back(g_format(value));
      out.missing.push_back(std::isnan(value));
    } else {
      texts.push_back(std::holds_alternative<std::string>(cell) ? std::get<std::string>(cell) : std::string());
      out.missing.push_back(false);
    }
  }
  if (numeric) {
    int max_decimals = -1;
    for (const auto& text : texts) max_decimals = std::max(max_decimals, after_point(text));
    for (auto& text : texts) text += std::string(static_cast<size_t>(max_decimals - after_point(text)), ' ');
  }
  out.width = code_points(table.headers[column]) + 2;  // tabulate's MIN_PADDING
  for (const auto& text : texts) out.width = std::max(out.width, code_points(text));
  for (auto& text : texts) out.cells.push_back(numeric ? pad_left(text, out.width) : pad_right(text, out.width));
  return out;
}

// The script's .replace("nan", "") on a missing number's cell.
std::string without_nan(std::string cell) {
  size_t at = cell.find("nan");
  if (at != std::string::npos) cell.erase(at, 3);
  return cell;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace

std::string render_markdown(const TextTable& table) {
  std::vector<FormattedColumn> columns;
  for (size_t c = 0; c < table.headers.size(); ++c) columns.push_back(format_column(table, c));
  std::string header = "|", rule = "|";
  for (size_t c = 0; c < columns.size(); ++c) {
    const std::string& name = table.headers[c];
    header += " " + (table.numeric[c] ? pad_left(name, columns[c].width) : pad_right(name, columns[c].width)) + " |";
    rule += std::string(columns[c].width + 2, '-') + "|";
  }
  std::string text = header + "\n" + rule;
  for (size_t r = 0; r < table.rows.size(); ++r) {
    text += "\n|";
    for (auto& column : columns) {
      text += " " + (column.missing[r] ? without_nan(column.cells[r]) : column.cells[r]) + " |";
    }
  }
  return text;
}

std::string render_csv(const TextTable& table) {
  std::string text;
  for (size_t c = 0; c < table.headers.size(); ++c) text += (c ? "," : "") + csv_field(table.headers[c]);
  text += "\n";
  for (const auto& row : table.rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (c) text += ",";
      if (std::holds_alternative<double>(row[c])) {
        double value = std::get<double>(row[c]);
        if (!std::isnan(value)) text += python_float_repr(value);
      } else {
        text += csv_field(std::get<std::string>(row[c]));
      }
    }
    text += "\n";
  }
  return text;
}

}  // namespace rb::report

#pragma once
// Tables rendered as analysis/get_benchmark_results.py renders its pandas DataFrames:
//   markdown  df.to_markdown(index=False, tablefmt="github") (tabulate): text columns left-aligned,
//             number columns formatted with "g" and aligned on the decimal point, every column at
//             least two wider than its header; then the script's .replace("nan", ""), which here is
//             applied to missing numbers only (the script also strips "nan" inside model names).
//             Widths count code points (tabulate without wcwidth).
//   csv       df.to_csv(index=False): numbers as Python repr, missing numbers empty, text quoted
//             only when it holds a comma, a quote or a line break.
#include <string>
#include <variant>
#include <vector>

namespace rb::report {

struct TextTable {
  std::vector<std::string> headers;
  std::vector<bool> numeric;  // per column
  // Each cell is text (text columns) or a number (numeric columns; NaN = missing).
  std::vector<std::vector<std::variant<std::string, double>>> rows;
};

std::string render_markdown(const TextTable& table);  // no trailing newline, like tabulate
std::string render_csv(const TextTable& table);       // "\n" after every line

}  // namespace rb::report

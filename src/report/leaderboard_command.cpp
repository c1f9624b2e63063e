#include "report/leaderboard_command.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <filesystem>
#include <iostream>

#include "common/error.h"
#include "eval/benchmarks.h"
#include "io/atomic_file.h"
#include "stats/stats_file.h"

namespace rb::report {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> json_files_under(const fs::path& folder, std::vector<std::string>& problems) {
  std::vector<std::string> files;
  std::error_code error;
  fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, error);
  if (error) {
    problems.push_back(folder.string() + ": cannot list the folder: " + error.message());
    return files;
  }
  for (const auto& entry : it) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

struct SortedRecords {
  std::vector<ResultsRecord> core, prior_sets, v2;
  std::map<std::string, stats::RunStats> stats_by_model;  // --ci: from the stats.json beside a results file
};

// Files every run folder holds besides results.json: not results, and not worth a "skipped" line.
bool is_run_companion(const std::string& file) {
  const std::string name = fs::path(file).filename().string();
  return name == "run.json" || name == stats::kStatsFileName || name == "judge_metrics.json";
}

SortedRecords read_records(const std::vector<std::string>& files, bool with_stats, std::ostream& err) {
  SortedRecords records;
  for (const auto& file : files) {
    ResultsReadOutcome outcome = read_results_file(file);
    if (!outcome.record) {
      if (!is_run_companion(file)) err << "skipped " << outcome.problem << "\n";
      continue;
    }
    const fs::path stats_file = fs::path(file).parent_path() / stats::kStatsFileName;
    if (with_stats && fs::exists(stats_file)) {
      try {
        records.stats_by_model.emplace(outcome.record->model, stats::read_run_stats(stats_file.string()));
      } catch (const Error& e) {
        err << "no intervals for " << file << ": " << e.what() << "\n";
      }
    }
    const ResultsRecord& record = *outcome.record;
    if (record.has_core) records.core.push_back(record);
    if (record.has_prior_sets) records.prior_sets.push_back(record);
    if (record.has_v2) records.v2.push_back(record);
  }
  return records;
}

// The stats.json score behind a leaderboard column.
std::string estimate_name(const std::string& column, bool v2) {
  if (column == "average") return v2 ? "final" : "overall";
  if (column.rfind(eval::kPriorSetsName, 0) == 0) return eval::kPriorSetsName;
  return column;
}

std::string interval_cell(double value, double low, double high) {
  char text[64];
  std::snprintf(text, sizeof text, "%.1f [%.1f, %.1f]", value, numpy_round_1(low * 100.0), numpy_round_1(high * 100.0));
  return text;
}

// The table with each value's interval: markdown cells "41.4 [38.9, 44.0]", or for CSV two more
// numeric columns after each column.
TextTable with_intervals(const LeaderboardTable& table, const SortedRecords& records, bool csv) {
  const bool v2 = table.name.find("RewardBench 2") != std::string::npos;
  TextTable text;
  text.headers = {"model", "model_type"};
  text.numeric = {false, false};
  for (const auto& column : table.columns) {
    text.headers.push_back(column);
    text.numeric.push_back(csv);
    if (csv) {
      text.headers.insert(text.headers.end(), {column + " ci_low", column + " ci_high"});
      text.numeric.insert(text.numeric.end(), {true, true});
    }
  }
  for (const auto& row : table.rows) {
    std::vector<std::variant<std::string, double>> cells = {row.model, row.model_type};
    const auto found = records.stats_by_model.find(row.model);
    for (size_t c = 0; c < table.columns.size(); ++c) {
      const double value = row.values[c];
      const stats::Estimate* e =
          found == records.stats_by_model.end() ? nullptr : found->second.find(estimate_name(table.columns[c], v2));
      const bool matches = e && !std::isnan(value) && !std::isnan(e->low) && numpy_round_1(e->value * 100.0) == value;
      if (csv) {
        cells.emplace_back(value);
        cells.emplace_back(matches ? e->low * 100.0 : std::nan(""));
        cells.emplace_back(matches ? e->high * 100.0 : std::nan(""));
      } else if (std::isnan(value)) {
        cells.emplace_back(std::string());
      } else {
        char plain[32];
        std::snprintf(plain, sizeof plain, "%.1f", value);
        cells.emplace_back(matches ? interval_cell(value, e->low, e->high) : std::string(plain));
      }
    }
    text.rows.push_back(std::move(cells));
  }
  return text;
}

void emit(const LeaderboardTable& table, const LeaderboardOptions& options, const SortedRecords& records,
          std::ostream& out) {
  TextTable text = options.ci ? with_intervals(table, records, options.format == "csv") : to_text_table(table);
  out << "==================== " << table.name << " ====================\n";
  out << (options.format == "csv" ? render_csv(text) : render_markdown(text) + "\n");
  if (options.output_dir) {
    const TextTable csv = options.ci ? with_intervals(table, records, true) : to_text_table(table);
    io::write_file_atomically((fs::path(*options.output_dir) / (table.name + ".csv")).string(), render_csv(csv));
  }
}

}  // namespace

std::vector<std::string> collect_results_files(const std::vector<std::string>& inputs,
                                               std::vector<std::string>& problems) {
  std::vector<std::string> files;
  for (const auto& input : inputs) {
    std::error_code error;
    if (fs::is_directory(input, error)) {
      auto found = json_files_under(input, problems);
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(input, error)) {
      files.push_back(input);
    } else {
      problems.push_back(input + ": no such file or folder");
    }
  }
  return files;
}

int run_leaderboard(const LeaderboardOptions& options, std::ostream& out, std::ostream& err) {
  if (options.format != "markdown" && options.format != "csv") {
    err << "leaderboard: unknown format \"" << options.format << "\" (expected markdown or csv)\n";
    return 2;
  }
  std::vector<std::string> problems;
  std::vector<std::string> files = collect_results_files(options.inputs, problems);
  for (const auto& problem : problems) err << "skipped " << problem << "\n";
  SortedRecords records = read_records(files, options.ci, err);
  if (records.core.empty() && !records.prior_sets.empty()) {
    err << "note: prior-sets results are only shown next to v1 core results of the same model\n";
  }
  size_t rows = 0;
  try {
    if (!records.core.empty()) {
      LeaderboardTable table = rewardbench_overview(records.core, records.prior_sets, options.settings);
      rows += table.rows.size();
      emit(table, options, records, out);
    }
    if (!records.v2.empty()) {
      if (!records.core.empty()) out << "\n";
      LeaderboardTable table = rewardbench2_overview(records.v2, options.settings);
      rows += table.rows.size();
      emit(table, options, records, out);
    }
  } catch (const Error& error) {
    err << "leaderboard: " << error.what() << "\n";
    return 1;
  }
  if (rows == 0) {
    err << "leaderboard: no usable results (read " << files.size() << " file(s))\n";
    return 1;
  }
  return 0;
}

int run_leaderboard(const LeaderboardOptions& options) { return run_leaderboard(options, std::cout, std::cerr); }

}  // namespace rb::report

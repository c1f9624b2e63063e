#include "report/leaderboard_command.h"

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "common/error.h"
#include "io/atomic_file.h"

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
};

SortedRecords read_records(const std::vector<std::string>& files, std::ostream& err) {
  SortedRecords records;
  for (const auto& file : files) {
    ResultsReadOutcome outcome = read_results_file(file);
    if (!outcome.record) {
      err << "skipped " << outcome.problem << "\n";
      continue;
    }
    const ResultsRecord& record = *outcome.record;
    if (record.has_core) records.core.push_back(record);
    if (record.has_prior_sets) records.prior_sets.push_back(record);
    if (record.has_v2) records.v2.push_back(record);
  }
  return records;
}

void emit(const LeaderboardTable& table, const LeaderboardOptions& options, std::ostream& out) {
  TextTable text = to_text_table(table);
  out << "==================== " << table.name << " ====================\n";
  out << (options.format == "csv" ? render_csv(text) : render_markdown(text) + "\n");
  if (options.output_dir) {
    io::write_file_atomically((fs::path(*options.output_dir) / (table.name + ".csv")).string(), render_csv(text));
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
  SortedRecords records = read_records(files, err);
  if (records.core.empty() && !records.prior_sets.empty()) {
    err << "note: prior-sets results are only shown next to v1 core results of the same model\n";
  }
  size_t rows = 0;
  try {
    if (!records.core.empty()) {
      LeaderboardTable table = rewardbench_overview(records.core, records.prior_sets, options.settings);
      rows += table.rows.size();
      emit(table, options, out);
    }
    if (!records.v2.empty()) {
      if (!records.core.empty()) out << "\n";
      LeaderboardTable table = rewardbench2_overview(records.v2, options.settings);
      rows += table.rows.size();
      emit(table, options, out);
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

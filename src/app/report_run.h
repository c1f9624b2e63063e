#pragma once
// `rewardbench report RUN... -o report.html`: the self-contained HTML report of runs
// (report/html_report.h), written atomically.
#include <string>
#include <vector>

#include "app/option_table.h"

namespace rb::app {

struct ReportOptions {
  std::vector<std::string> runs;  // run folders (results.json + stats.json, run.json optional)
  std::string output = "report.html";
  std::string title;
  bool quiet = false;
};

const OptionTable<ReportOptions>& report_options_table();

int run_report(const ReportOptions& options);

}  // namespace rb::app

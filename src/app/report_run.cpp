#include "app/report_run.h"

#include <iostream>

#include "io/atomic_file.h"
#include "report/html_report.h"

namespace rb::app {

const OptionTable<ReportOptions>& report_options_table() {
  static const OptionTable<ReportOptions> table = [] {
    OptionTable<ReportOptions> t;
    OptionInfo runs{"runs", "runs", "Run folders (results.json and stats.json; run.json adds provenance)", {}, true};
    runs.one_or_more = true;
    t.value(runs, &ReportOptions::runs)
        .value({"--output,-o", "output", "The HTML file to write"}, &ReportOptions::output)
        .value({"--title", "title", "Heading of the page (default: RewardBench report)"}, &ReportOptions::title)
        .flag({"--quiet,-q", "quiet", "Do not print where the report went"}, &ReportOptions::quiet);
    return t;
  }();
  return table;
}

int run_report(const ReportOptions& options) {
  std::vector<report::ReportRun> runs;
  for (const auto& path : options.runs) runs.push_back(report::read_report_run(path));
  report::assign_run_labels(runs);
  report::HtmlReportSettings settings;
  settings.title = options.title;
  const std::string html = report::build_html_report(runs, settings);
  io::write_file_atomically(options.output, html);
  if (!options.quiet)
    std::cerr << "report of " << runs.size() << (runs.size() == 1 ? " run" : " runs") << " written to "
              << options.output << " (" << html.size() / 1024 << " KiB, self-contained: open it in any browser)\n";
  return 0;
}

}  // namespace rb::app

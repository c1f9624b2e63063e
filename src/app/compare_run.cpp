#include "app/compare_run.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <thread>

#include "app/thread_count.h"
#include "io/atomic_file.h"
#include "report/text_table.h"
#include "stats/comparison.h"
#include "stats/stats_file.h"

namespace rb::app {

const OptionTable<CompareOptions>& compare_options_table() {
  static const OptionTable<CompareOptions> table = [] {
    OptionTable<CompareOptions> t;
    OptionInfo runs{"runs", "runs", "Run folders (each with stats.json), two or more", {}, true};
    runs.one_or_more = true;
    t.value(runs, &CompareOptions::runs)
        .flag({"--json", "json", "Print the comparison as one JSON object instead of tables"}, &CompareOptions::json)
        .value({"--output,-o", "output", "Also write the JSON to this file"}, &CompareOptions::output)
        .value({"--bootstrap_samples,--bootstrap-samples", "bootstrap_samples",
                "Resamples of the paired bootstrap (RewardBench 2 and judges with ties)", {}, false, true},
               &CompareOptions::bootstrap_samples)
        .value({"--bootstrap_seed,--bootstrap-seed", "bootstrap_seed", "Seed of the paired bootstrap"},
               &CompareOptions::bootstrap_seed)
        .value({"--threads", "threads", "CPU threads of the paired bootstrap (0: all cores)"}, &CompareOptions::threads);
    return t;
  }();
  return table;
}

namespace {

std::string p_text(double p) {
  if (std::isnan(p)) return "";
  char text[32];
  std::snprintf(text, sizeof text, p < 0.001 ? "%.1e" : "%.3f", p);
  return text;
}

void print_tables(const stats::Comparison& comparison, std::ostream& out) {
  out << comparison.items << (comparison.benchmark == stats::Benchmark::kV1 ? " pairs" : " prompts")
      << " in every run. p: McNemar's exact test on the pairs a score is made of, or a paired bootstrap where results "
         "are not all 0/1; Holm: adjusted over all "
      << comparison.rows.size() << " tests below.\n";
  for (size_t a = 0; a < comparison.models.size(); ++a) {
    for (size_t b = a + 1; b < comparison.models.size(); ++b) {
      report::TextTable table;
      table.headers = {"score", "items", "A", "B", "A - B", "only A right", "only B right", "p", "p (Holm)"};
      table.numeric = {false, true, true, true, true, true, true, false, false};
      for (const auto& row : comparison.rows) {
        if (row.run_a != a || row.run_b != b) continue;
        const bool mcnemar = row.test == "mcnemar-exact";
        table.rows.push_back({row.name, static_cast<double>(row.items), row.score_a, row.score_b,
                              row.score_a - row.score_b, mcnemar ? static_cast<double>(row.only_a) : std::nan(""),
                              mcnemar ? static_cast<double>(row.only_b) : std::nan(""), p_text(row.p),
                              p_text(row.p_holm)});
      }
      out << "\nA: " << comparison.models[a] << "\nB: " << comparison.models[b] << "\n"
          << report::render_markdown(table) << "\n";
    }
  }
}

}  // namespace

int run_compare(const CompareOptions& options) {
  std::vector<stats::RunStats> runs;
  for (const auto& path : options.runs) runs.push_back(stats::read_run_stats(path));
  stats::BootstrapOptions bootstrap;
  bootstrap.samples = options.bootstrap_samples;
  bootstrap.seed = options.bootstrap_seed;
  bootstrap.threads = static_cast<unsigned>(resolve_thread_count(options.threads, std::thread::hardware_concurrency()));
  const stats::Comparison comparison = stats::compare_runs(runs, bootstrap);
  const auto json = stats::comparison_to_json(comparison);
  if (!options.output.empty()) io::write_file_atomically(options.output, json.dump(2) + "\n");
  if (options.json) {
    std::cout << json.dump(2) << "\n";
  } else {
    print_tables(comparison, std::cout);
  }
  return 0;
}

}  // namespace rb::app

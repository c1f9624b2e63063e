#pragma once
// stats.json of a run (src/stats/stats_file.h): the bootstrap intervals and length bias of its
// items, written beside results.json and before run.json (which lists it), and the intervals the
// printed summary shows.
#include <string>
#include <vector>

#include "app/run_context.h"
#include "app/run_options.h"
#include "report/summary_table.h"
#include "stats/stats_file.h"

namespace rb::app {

struct RunStatsInput {
  std::string model;  // results.json's "model"
  stats::Benchmark benchmark = stats::Benchmark::kV1;
  std::vector<stats::StatsItem> items;
  std::string length_unit = "characters";
  unsigned threads = 0;  // 0: every core
  nlohmann::ordered_json extra_bias = nlohmann::ordered_json::object();  // merged into stats.json's "bias"
};

stats::RunStats write_run_stats(RunContext& run, const RunOptions& options, RunStatsInput input);

report::Intervals intervals_of(const stats::RunStats& stats);

}  // namespace rb::app

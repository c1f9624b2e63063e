#include "app/run_stats.h"

#include "io/atomic_file.h"

namespace rb::app {

stats::RunStats write_run_stats(RunContext& run, const RunOptions& options, RunStatsInput input) {
  stats::BootstrapOptions bootstrap;
  bootstrap.samples = options.bootstrap_samples;
  bootstrap.seed = options.bootstrap_seed;
  bootstrap.threads = input.threads;
  const size_t items = input.items.size();
  stats::RunStats stats = stats::compute_run_stats(std::move(input.model), input.benchmark, std::move(input.items),
                                                   bootstrap, input.length_unit);
  for (const auto& [key, value] : input.extra_bias.items()) stats.bias[key] = value;
  io::write_file_atomically(run.output_path(stats::kStatsFileName), stats::format_stats_json(stats));
  run.log("stats.json: " + std::to_string(bootstrap.samples) + " bootstrap resamples of " + std::to_string(items) +
          (input.benchmark == stats::Benchmark::kV1 ? " pairs" : " prompts") + " (seed " +
          std::to_string(bootstrap.seed) + ")");
  run.clock().lap("statistics");
  return stats;
}

report::Intervals intervals_of(const stats::RunStats& stats) {
  report::Intervals intervals;
  intervals.confidence = stats.bootstrap.confidence;
  for (const auto& e : stats.estimates) intervals.by_name[e.name] = {e.low, e.high};
  return intervals;
}

}  // namespace rb::app

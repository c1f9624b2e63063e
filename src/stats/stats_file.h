#pragma once
// stats.json, written beside results.json by every eval, dpo, judge and baseline run:
//   {"format": "rewardbench-stats", "version": 1, "model", "benchmark": "v1" | "v2",
//    "bootstrap": {"samples", "seed", "confidence", "interval": "percentile", "resampling"},
//    "scores": [{"name", "kind", "value", "se", "ci_low", "ci_high", "items", "groups"}, ...],
//    "bias": length_bias.h's object (+ "position_consistency" for judges in debias mode),
//    "items": stats_items.h's list}
// results.json keeps the reference's schema untouched; everything new lives here.
#include <string>
#include <vector>

#include "stats/bootstrap.h"
#include "stats/stats_items.h"

namespace rb::stats {

inline constexpr const char* kStatsFileName = "stats.json";

struct RunStats {
  std::string source;  // the file it was read from ("" when built in memory)
  std::string model;
  Benchmark benchmark = Benchmark::kV1;
  BootstrapOptions bootstrap;
  std::string length_unit = "characters";
  std::vector<Estimate> estimates;
  Json bias = Json::object();
  std::vector<StatsItem> items;

  const Estimate* find(const std::string& name) const;
};

// Bootstraps the items' scores and measures the length bias.
RunStats compute_run_stats(std::string model, Benchmark benchmark, std::vector<StatsItem> items,
                           const BootstrapOptions& bootstrap, const std::string& length_unit);

Json stats_to_json(const RunStats& stats);
std::string format_stats_json(const RunStats& stats);  // two-space indent, trailing newline
// `source` names the file in errors (rb::InputError: "<file>: field ...").
RunStats parse_stats_json(const std::string& text, const std::string& source);
// A stats.json, or a run folder holding one.
RunStats read_run_stats(const std::string& path);

}  // namespace rb::stats

#pragma once
// `rewardbench compare`: two or more runs on the same items, every pair of runs compared on every
// score they report:
//   - runs must hold the same items (subset + id); otherwise compare_runs refuses, naming ids that
//     differ;
//   - where both runs' results are all 0/1 (v1 pairs: eval, dpo, baselines), McNemar's exact test
//     per subset, and on the pooled pairs of each section and of the whole run (the section and
//     overall scores are weighted; the test asks whether the models differ on those pairs);
//   - otherwise (RewardBench 2, judges with ties), a paired bootstrap: both runs' scores recomputed
//     on the same redrawn groups, p from the centred replicates (paired_tests.h);
//   - Holm's adjustment over the whole family (every row of the comparison), beside the raw p.
#include <cstddef>
#include <string>
#include <vector>

#include "stats/stats_file.h"

namespace rb::stats {

struct ComparisonRow {
  size_t run_a = 0, run_b = 0;  // indices into the compared runs
  std::string name;
  ScoreKind kind = ScoreKind::kSubset;
  size_t items = 0;
  double score_a = 0.0, score_b = 0.0;  // the runs' reported scores
  std::string test;                     // "mcnemar-exact" or "paired-bootstrap"
  size_t only_a = 0, only_b = 0;        // McNemar: items only A / only B got right
  double p = 0.0;
  double p_holm = 0.0;
};

struct Comparison {
  std::vector<std::string> models;
  Benchmark benchmark = Benchmark::kV1;
  size_t items = 0;
  BootstrapOptions bootstrap;  // for the paired bootstrap rows
  std::vector<ComparisonRow> rows;
};

// rb::InputError when fewer than two runs are given, the benchmarks differ or the items differ.
Comparison compare_runs(const std::vector<RunStats>& runs, const BootstrapOptions& bootstrap);

Json comparison_to_json(const Comparison& comparison);

}  // namespace rb::stats

#pragma once
// `rewardbench baseline`: a rule that needs no model, run like a model so that leaderboard,
// compare and report treat it as one (results.json, outputs.jsonl or scores.json, stats.json,
// run.json):
//   longer    prefers the longer answer (score = its length)
//   shorter   prefers the shorter answer (score = minus its length)
//   random    a uniform random score per answer (seeded)
//   first     prefers the answer shown first when each item's answers are shuffled (seeded): what a
//             judge with nothing but a position bias scores
// Lengths are of the answer text alone: characters (Unicode code points), or tokens of
// --tokenizer. Equal scores follow the reference's rules (a v1 tie is a loss; best-of-N shares the
// credit among the tied top answers).
#include <string>

#include "app/option_table.h"
#include "app/run_options.h"

namespace rb::app {

struct BaselineOptions : RunOptions {
  std::string rule = "longer";
  std::string tokenizer;       // a tokenizer folder (or org/name): lengths in its tokens; empty: characters
  std::string benchmark = "auto";
  size_t seed = 0;             // random and first
};

const OptionTable<BaselineOptions>& baseline_options_table();

int run_baseline(const BaselineOptions& options);

}  // namespace rb::app

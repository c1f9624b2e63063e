#include "app/demo_run.h"

#include <filesystem>
#include <iostream>

#include "app/demo_assets.h"
#include "app/eval_run.h"

namespace rb::app {
namespace fs = std::filesystem;

const OptionTable<DemoOptions>& demo_options_table() {
  static const OptionTable<DemoOptions> table = [] {
    OptionTable<DemoOptions> t;
    t.value({"--dir", "dir", "Where the demo model, data and results go"}, &DemoOptions::dir)
        .value({"--seed", "seed", "Seed of the random weights"}, &DemoOptions::seed)
        .flag({"--quiet,-q", "quiet", "No progress output on stderr"}, &DemoOptions::quiet);
    return t;
  }();
  return table;
}

int run_demo(const DemoOptions& options) {
  write_demo_assets(options.dir, options.seed);
  if (!options.quiet)
    std::cerr << "rewardbench demo: wrote a RANDOM-WEIGHT tiny Llama reward model to " << options.dir
              << "/model and a preference set to " << options.dir << "/preference_pairs.jsonl\n";
  EvalOptions eval;
  eval.model = (fs::path(options.dir) / "model").string();
  eval.dataset = (fs::path(options.dir) / "preference_pairs.jsonl").string();
  eval.output_dir = (fs::path(options.dir) / "results").string();
  eval.label = "rewardbench-demo-tiny-llama (RANDOM WEIGHTS, seed " + std::to_string(options.seed) + ")";
  eval.quiet = options.quiet;
  eval.command_line = "rewardbench demo --dir " + options.dir + " --seed " + std::to_string(options.seed);
  const int status = run_eval(eval);
  std::cout << "note: the demo model has random weights, so its scores say nothing about any real model;\n"
               "      it shows the whole pipeline (tokenizer, chat template, packed batches, metrics) end to end.\n";
  return status;
}

}  // namespace rb::app

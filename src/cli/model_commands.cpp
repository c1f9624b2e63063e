// The commands that score with a model on this machine: `eval` (app/eval_run.h), `dpo`
// (app/dpo_run.h) and `demo` (app/demo_run.h).
#include "app/demo_run.h"
#include "app/dpo_run.h"
#include "app/eval_run.h"
#include "cli/command.h"
#include "model/loader.h"

namespace rb::cli {

Command eval_command() {
  std::string architectures = "Supported architectures:";
  for (const auto& name : model::supported_architectures()) architectures += "\n  " + name;
  return table_command<app::EvalOptions>(
      "eval", "Score a reward model on RewardBench v1 pairs, RewardBench 2 or instruction data (JSON/JSONL/Parquet)",
      app::eval_options_table(), app::run_eval, architectures + "\n");
}

Command dpo_command() {
  return table_command<app::DpoOptions>(
      "dpo", "Score a DPO model by its implicit reward on RewardBench v1 pairs (as scripts/run_dpo.py)",
      app::dpo_options_table(), app::run_dpo);
}

Command demo_command() {
  return table_command<app::DemoOptions>(
      "demo", "Create a tiny RANDOM-WEIGHT Llama reward model and a small preference set, then evaluate it (offline)",
      app::demo_options_table(), app::run_demo);
}

}  // namespace rb::cli

// The commands about the numbers rather than a model: `baseline` (app/baseline_run.h: a rule run
// like a model), `compare` (app/compare_run.h: paired tests between runs), `report`
// (app/report_run.h: the HTML report of runs), `models` (app/models_run.h: coverage).
#include "app/baseline_run.h"
#include "app/compare_run.h"
#include "app/models_run.h"
#include "app/report_run.h"
#include "cli/command.h"

namespace rb::cli {

Command baseline_command() {
  return table_command<app::BaselineOptions>(
      "baseline", "Score a dataset with a rule instead of a model (longer, shorter, random, first), written like a run",
      app::baseline_options_table(), app::run_baseline);
}

Command compare_command() {
  return table_command<app::CompareOptions>(
      "compare", "Paired significance tests between runs on the same items (McNemar / paired bootstrap, Holm)",
      app::compare_options_table(), app::run_compare);
}

Command report_command() {
  return table_command<app::ReportOptions>(
      "report", "One self-contained HTML file of runs: accuracies with intervals, baselines, score and length charts",
      app::report_options_table(), app::run_report);
}

Command models_command() {
  return table_command<app::ModelsOptions>(
      "models", "The architectures this build loads, and its coverage of the reference's 122 leaderboard models",
      app::models_options_table(), app::run_models);
}

}  // namespace rb::cli

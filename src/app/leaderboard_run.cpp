#include "app/leaderboard_run.h"

namespace rb::app {

const OptionTable<report::LeaderboardOptions>& leaderboard_options_table() {
  using Options = report::LeaderboardOptions;
  static const OptionTable<Options> table = [] {
    OptionTable<Options> t;
    OptionInfo inputs{"inputs", "inputs", "results.json files, or folders searched for them", {}, true};
    inputs.one_or_more = true;
    t.value(inputs, &Options::inputs)
        .value({"--format", "format", "markdown or csv", {"markdown", "csv"}}, &Options::format)
        .value({"--output_dir,--output-dir", "output_dir", "Also write each table as CSV here"}, &Options::output_dir)
        .value({"--model_type,--model-type", "model_type", "Only rows of this model type"},
               [](Options& o) -> std::optional<std::string>& { return o.settings.model_type; })
        .flag({"--keep_ref_free,--keep-ref-free", "keep_ref_free", "Keep \"DPO Ref. Free\" rows"},
              [](Options& o) -> bool& { return o.settings.keep_ref_free; })
        .flag({"--ci", "ci",
               "Show each score's bootstrap interval from the stats.json beside its results file (markdown: "
               "\"41.4 [38.9, 44.0]\"; csv: <column> ci_low / ci_high columns)"},
              &Options::ci);
    return t;
  }();
  return table;
}

int run_leaderboard(const report::LeaderboardOptions& options) { return report::run_leaderboard(options); }

}  // namespace rb::app

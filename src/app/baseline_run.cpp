#include "app/baseline_run.h"

#include <functional>
#include <iostream>
#include <memory>

#include "app/dataset_input.h"
#include "app/hub_inputs.h"
#include "app/run_context.h"
#include "app/run_stats.h"
#include "common/error.h"
#include "eval/benchmarks.h"
#include "report/html_report.h"
#include "eval/metrics.h"
#include "eval/scored_example.h"
#include "eval/v2_dataset.h"
#include "eval/v2_metrics.h"
#include "io/atomic_file.h"
#include "pipeline/tokenizer_folder.h"
#include "report/outputs_file.h"
#include "report/results_file.h"
#include "report/v2_files.h"
#include "stats/random.h"
#include "stats/stats_items.h"

namespace rb::app {

const OptionTable<BaselineOptions>& baseline_options_table() {
  static const OptionTable<BaselineOptions> table = [] {
    OptionTable<BaselineOptions> t;
    add_run_options(t,
                    "RewardBench v1 pairs or RewardBench 2 rows (a file, a folder of prior-set splits, or a Hub dataset)",
                    "Where results.json, outputs.jsonl (or scores.json), stats.json and run.json go (default: "
                    "results/baseline-<rule>)");
    t.value({"--rule", "rule",
             "longer or shorter (the answer's length decides), random (seeded), first (the answer shown first after "
             "a seeded shuffle: a pure position bias)",
             {"longer", "shorter", "random", "first"}},
            &BaselineOptions::rule)
        .value({"--tokenizer", "tokenizer",
                "Count lengths in this tokenizer's tokens (folder or org/name; default: characters)"},
               &BaselineOptions::tokenizer)
        .value({"--benchmark", "benchmark", "v1, v2, or auto (v2 when rows have num_correct and total_completions)",
                {"auto", "v1", "v2"}},
               &BaselineOptions::benchmark)
        .value({"--seed", "seed", "Seed of the random and first rules"}, &BaselineOptions::seed);
    return t;
  }();
  return table;
}

namespace {

// FNV-1a of an id's JSON text: each item's own random stream, whatever the row order.
uint64_t id_stream(const std::string& subset, const std::string& id) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (char c : subset + '\x1f' + id) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  return hash;
}

// A prompt given as messages, written "role: content" per line.
std::string plain_prompt(const eval::PreferenceRow& row) {
  if (!row.has_message_prompt()) return std::get<std::string>(row.prompt);
  std::string text;
  for (const auto& message : std::get<eval::Messages>(row.prompt)) text += message.role + ": " + message.content + "\n";
  return text;
}

class BaselineRun {
 public:
  explicit BaselineRun(const BaselineOptions& options) : options_(options), run_("baseline", options.quiet) {
    run_.set_output_dir(options.output_dir.empty() ? "results/baseline-" + options.rule : options.output_dir);
    if (!options.tokenizer.empty()) {
      const ModelArgument tokenizer = resolve_model(options.tokenizer, {"main", options.quiet});
      tokenizer_ = std::make_unique<pipeline::TokenizerFolder>(pipeline::load_tokenizer_folder(tokenizer.folder));
      unit_ = "tokens (" + tokenizer.name + ")";
    }
    name_ = "baseline-" + options.rule + (options.rule == "longer" || options.rule == "shorter" ? " (" + unit_ + ")" : "");
  }

  int v1(const std::vector<eval::PreferenceRow>& rows, const std::string& source);
  int v2(const std::vector<eval::V2Row>& rows, const std::string& source);

 private:
  double length(const std::string& text) const {
    return tokenizer_ ? static_cast<double>(tokenizer_->tokenizer.encode(text, false).size()) : stats::code_points(text);
  }
  static double length_of(const std::string& text, const void* run) {
    return static_cast<const BaselineRun*>(run)->length(text);
  }
  stats::AnswerLength answer_length() const { return {unit_, &BaselineRun::length_of, this}; }

  // One score per answer of an item, by the rule.
  std::vector<double> scores(const std::vector<const std::string*>& answers, const std::string& subset,
                             const std::string& id) const {
    std::vector<double> out;
    stats::Random random(options_.seed, id_stream(subset, id));
    if (options_.rule == "first") {  // a seeded shuffle; the answer in front scores 1
      out.assign(answers.size(), 0.0);
      out[random.below(answers.size())] = 1.0;
      return out;
    }
    for (const std::string* answer : answers) {
      if (options_.rule == "random") {
        out.push_back(random.uniform());
      } else {
        out.push_back(options_.rule == "longer" ? length(*answer) : -length(*answer));
      }
    }
    return out;
  }

  report::ResultsMetadata metadata() const {
    report::ResultsMetadata metadata;
    metadata.model = name_;
    metadata.model_type = report::kBaselineModelType;
    metadata.chat_template = std::nullopt;
    return metadata;
  }

  int finish(const std::string& source, size_t rows, const stats::RunStats& stats, const std::string& files,
             const std::function<void(std::ostream&, const report::Intervals&)>& print) {
    report::RunRecord record;
    record.config = {{"rule", options_.rule},
                     {"length_unit", unit_},
                     {"tokenizer", options_.tokenizer.empty() ? nlohmann::ordered_json(nullptr)
                                                              : nlohmann::ordered_json(options_.tokenizer)},
                     {"seed", options_.seed},
                     {"dataset", source},
                     {"num_rows", rows}};
    run_.write_run_json(std::move(record), options_.command_line, baseline_options_table().to_json(options_));
    std::cout << "model: " << name_ << "\n";
    print(std::cout, intervals_of(stats));
    std::cout << "results written to " << run_.output_dir() << "/ (" << files << ")\n";
    return 0;
  }

  const BaselineOptions& options_;
  RunContext run_;
  std::unique_ptr<pipeline::TokenizerFolder> tokenizer_;
  std::string unit_ = "characters";
  std::string name_;
};

int BaselineRun::v1(const std::vector<eval::PreferenceRow>& rows, const std::string& source) {
  std::vector<eval::ScoredExample> examples;
  examples.reserve(rows.size());
  for (const auto& row : rows) {
    const auto s = scores({&row.chosen, &row.rejected}, row.subset, row.id.dump());
    // No chat template: outputs.jsonl holds the texts as the data gives them.
    eval::RenderedTexts texts{plain_prompt(row), row.chosen, row.rejected};
    examples.push_back(eval::make_scored_example(row, texts, std::vector<double>{s[0]}, std::vector<double>{s[1]}));
  }
  const auto summary = eval::summarize(examples);
  report::write_outputs_jsonl(run_.output_path("outputs.jsonl"), examples);
  report::write_results_json(run_.output_path("results.json"), summary, metadata());
  const auto stats = write_run_stats(run_, options_,
                                     {name_, stats::Benchmark::kV1, stats::pair_items(rows, examples, answer_length()), unit_});
  return finish(source, rows.size(), stats, "results.json, outputs.jsonl, stats.json, run.json",
                [&](std::ostream& out, const report::Intervals& i) { report::print_summary(out, summary, &i); });
}

int BaselineRun::v2(const std::vector<eval::V2Row>& rows, const std::string& source) {
  std::vector<eval::V2ScoredPrompt> prompts;
  prompts.reserve(rows.size());
  for (const auto& row : rows) {
    std::vector<const std::string*> answers;
    for (size_t i = 0; i < row.completion_count(); ++i) answers.push_back(&row.completion(i));
    std::vector<std::string> texts;
    for (const std::string* answer : answers) texts.push_back(*answer);
    prompts.push_back(eval::make_v2_scored_prompt(row, std::move(texts), scores(answers, row.subset, row.id)));
  }
  const auto summary = eval::summarize_v2(prompts);
  report::write_v2_scores_json(run_.output_path("scores.json"), prompts, metadata());
  report::write_v2_results_json(run_.output_path("results.json"), summary, metadata());
  const auto stats =
      write_run_stats(run_, options_, {name_, stats::Benchmark::kV2, stats::v2_items(rows, prompts, answer_length()), unit_});
  return finish(source, rows.size(), stats, "results.json, scores.json, stats.json, run.json",
                [&](std::ostream& out, const report::Intervals& i) { report::print_v2_summary(out, summary, &i); });
}

}  // namespace

int run_baseline(const BaselineOptions& options) {
  const DatasetInput data = read_dataset(options.dataset, options.quiet);
  eval::DatasetOptions pairs_options;
  pairs_options.max_rows = options.limit;
  BaselineRun run(options);
  if (data.prior_sets()) return run.v1(data.prior_set_rows(pairs_options), data.source);
  switch (eval::detect_row_format(data.rows, {options.benchmark, false}, data.source)) {
    case eval::RowFormat::kBestOfN: {
      eval::V2DatasetOptions v2_options;
      v2_options.max_prompts = options.limit;
      return run.v2(eval::parse_v2_rows(data.rows, v2_options), data.source);
    }
    case eval::RowFormat::kInstructions:
      throw InputError(data.source + ": instruction rows (messages only) have no answers to compare; a baseline needs "
                                     "preference pairs or RewardBench 2 rows");
    case eval::RowFormat::kPreferencePairs: break;
  }
  return run.v1(eval::parse_preference_rows(data.rows, pairs_options), data.source);
}

}  // namespace rb::app

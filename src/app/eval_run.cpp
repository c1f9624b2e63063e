#include "app/eval_run.h"
#include "app/reference_settings.h"

#include <algorithm>
#include <functional>
#include <iostream>

#include "app/dataset_input.h"
#include "app/hub_inputs.h"
#include "app/non_finite_scores.h"
#include "app/reward_scorer.h"
#include "app/run_stats.h"
#include "common/error.h"
#include "eval/benchmarks.h"
#include "eval/instruction_dataset.h"
#include "eval/metrics.h"
#include "eval/v2_dataset.h"
#include "eval/v2_metrics.h"
#include "pipeline/pair_renderer.h"
#include "report/instruction_outputs.h"
#include "report/outputs_file.h"
#include "report/results_file.h"
#include "report/summary_table.h"
#include "report/v2_files.h"
#include "stats/stats_items.h"

namespace rb::app {

const OptionTable<EvalOptions>& eval_options_table() {
  static const OptionTable<EvalOptions> table = [] {
    OptionTable<EvalOptions> t;
    add_scoring_run_options(t);
    add_run_options(t,
                    "Data (.json, .jsonl or .parquet; RewardBench v1, v2 or instruction rows), a folder of prior-set "
                    "splits, or a Hub dataset (allenai/reward-bench: split filtered; allenai/reward-bench-2: test; "
                    "allenai/pref-test-sets: every split)",
                    "Where results.json, outputs.jsonl (or scores.json), stats.json and run.json go (default: "
                    "results/<model name>)");
    t.value({"--benchmark", "benchmark",
             "v1 (pairs, as run_rm.py), v2 (best-of-N + Ties, as run_v2.py), or auto: v2 when rows have num_correct "
             "and total_completions",
             {"auto", "v1", "v2"}},
            &EvalOptions::benchmark)
        .value({"--max_length,--max-length", "max_length",
                "Truncate every text to this many tokens, keeping its end (as run_rm.py)", {}, false, true},
               &EvalOptions::max_length)
        .flag({"--prioritize_scoring,--prioritize-scoring", "prioritize_scoring",
               "Rows with `messages` are instruction data (scores only) even when chosen/rejected exist"},
              &EvalOptions::prioritize_scoring);
    return t;
  }();
  return table;
}

namespace {

// One eval run: its options with the model resolved, the run context and the scorer.
class EvalRun {
 public:
  EvalRun(const EvalOptions& options, const DatasetInput& data)
      : options_(options), data_(data), model_(resolve_model(options.model, {options.revision, options.quiet})),
        run_("eval", options.quiet), scorer_(options, model_.folder, run_) {
    run_.set_output_dir(options.output_dir.empty() ? "results/" + model_.short_name : options.output_dir);
  }

  int v1(const std::vector<eval::PreferenceRow>& rows);
  int v2(const std::vector<eval::V2Row>& rows);
  int instructions(const std::vector<eval::InstructionRow>& rows);

 private:
  report::ResultsMetadata metadata() const {
    report::ResultsMetadata metadata;
    metadata.model = options_.label.empty() ? model_.name : options_.label;
    metadata.chat_template = scorer_.text_builder().chat_template_label();
    return metadata;
  }
  void loaded(const std::string& what) {
    run_.clock().lap("load_and_render");
    run_.log(what + " from " + data_.source + ", chat template: " + scorer_.text_builder().chat_template_label());
    scorer_.load_model();
  }
  stats::RunStats write_stats(stats::Benchmark benchmark, std::vector<stats::StatsItem> items) {
    return write_run_stats(run_, options_,
                           {metadata().model, benchmark, std::move(items), "characters",
                            static_cast<unsigned>(std::max(options_.threads, 0))});
  }
  // Stops the run on NaN/infinite scores unless --allow-nan; otherwise remembers them for run.json.
  void note_non_finite(const NonFiniteScores& found, size_t total_texts) {
    stop_or_accept_non_finite(found, total_texts, options_.allow_nan, run_);
    non_finite_texts_ = found.texts;
  }
  // run.json last, after the files it describes; then the summary on stdout.
  int finish(size_t num_rows, const std::string& files, const std::function<void(std::ostream&)>& print_summary) {
    auto recorded = eval_options_table().to_json(options_);
    if (!options_.reference_settings.is_null()) recorded["reference_settings"] = options_.reference_settings;
    report::RunRecord record = scorer_.run_record(data_.source, num_rows);
    record.config["non_finite_texts"] = non_finite_texts_;
    run_.write_run_json(std::move(record), options_.command_line, std::move(recorded));
    std::cout << "model: " << metadata().model << "\n";
    print_summary(std::cout);
    std::cout << "results written to " << run_.output_dir() << "/ (" << files << ")\n";
    return 0;
  }

  const EvalOptions& options_;
  const DatasetInput& data_;
  ModelArgument model_;
  RunContext run_;
  RewardScorer scorer_;
  size_t non_finite_texts_ = 0;
};

int EvalRun::v1(const std::vector<eval::PreferenceRow>& rows) {
  const auto texts = pipeline::render_pairs(rows, scorer_.text_builder());
  loaded(std::to_string(rows.size()) + " pairs");
  std::vector<std::string> all_texts;
  all_texts.reserve(2 * texts.size());
  for (const auto& t : texts) {
    all_texts.push_back(t.chosen);
    all_texts.push_back(t.rejected);
  }
  // run_rm pads the chosen texts of each --batch_size rows together, then their rejected texts.
  const auto scores = scorer_.score(all_texts, pipeline::pairwise_padding_groups(texts.size(), options_.batch_size));
  note_non_finite(find_non_finite(scores, [&](size_t i) { return std::make_pair(rows[i / 2].origin, rows[i / 2].subset); }),
                  scores.size());

  std::vector<eval::ScoredExample> examples;
  examples.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i)
    examples.push_back(eval::make_scored_example(rows[i], texts[i], scores[2 * i], scores[2 * i + 1]));
  const auto summary = eval::summarize(examples);
  report::write_outputs_jsonl(run_.output_path("outputs.jsonl"), examples);
  report::write_results_json(run_.output_path("results.json"), summary, metadata());
  const auto intervals = intervals_of(
      write_stats(stats::Benchmark::kV1, stats::pair_items(rows, examples, stats::AnswerLength{})));
  return finish(rows.size(), "results.json, outputs.jsonl, stats.json, run.json",
                [&](std::ostream& out) { report::print_summary(out, summary, &intervals); });
}

// scripts/run_v2.py: every completion scored once as [user: prompt, assistant: completion],
// regrouped per prompt, best-of-N per subset and the Ties composite.
int EvalRun::v2(const std::vector<eval::V2Row>& rows) {
  const auto completions = eval::unroll_v2(rows);
  std::vector<std::string> texts;
  texts.reserve(completions.size());
  for (const auto& completion : completions) {
    try {
      texts.push_back(scorer_.text_builder().render_messages(eval::to_json(completion.conversation)));
    } catch (const TemplateError& e) {
      throw InputError(rows[completion.prompt_index].origin + ": the chat template raised: " + e.what());
    }
  }
  loaded(std::to_string(rows.size()) + " prompts (" + std::to_string(texts.size()) + " completions)");
  // run_v2 scores the unrolled completions in batches of --batch_size, padded together.
  const auto scores = scorer_.score(texts, pipeline::consecutive_padding_groups(texts.size(), options_.batch_size));
  note_non_finite(find_non_finite(scores,
                                  [&](size_t i) {
                                    const auto& row = rows[completions[i].prompt_index];
                                    return std::make_pair(row.origin, row.subset);
                                  }),
                  scores.size());
  std::vector<double> flat;
  flat.reserve(scores.size());
  for (const auto& row : scores) {
    if (row.size() != 1)
      throw ModelError("RewardBench 2 needs one score per completion; this model has " + std::to_string(row.size()) +
                       " labels");
    flat.push_back(row[0]);
  }
  const auto prompts = eval::reroll_v2(rows, texts, flat);
  const auto summary = eval::summarize_v2(prompts);
  report::write_v2_scores_json(run_.output_path("scores.json"), prompts, metadata());
  report::write_v2_results_json(run_.output_path("results.json"), summary, metadata());
  const auto intervals =
      intervals_of(write_stats(stats::Benchmark::kV2, stats::v2_items(rows, prompts, stats::AnswerLength{})));
  return finish(rows.size(), "results.json, scores.json, stats.json, run.json",
                [&](std::ostream& out) { report::print_v2_summary(out, summary, &intervals); });
}

// The reference CLI's instruction-data mode: rows with `messages` (and no chosen/rejected, unless
// --prioritize_scoring) are scored one conversation each and written without any accuracy.
int EvalRun::instructions(const std::vector<eval::InstructionRow>& rows) {
  const auto& builder = scorer_.text_builder();
  std::vector<std::string> prompts, texts;
  for (const auto& row : rows) {
    try {
      if (builder.uses_tokenizer_template()) {
        texts.push_back(builder.render_messages(eval::to_json(row.messages)));
        prompts.push_back(row.prompt);
      } else {  // FastChat: roles by position; the written prompt is the first user turn rendered alone
        const auto messages = eval::positional_roles(row.messages);
        texts.push_back(builder.render_messages(eval::to_json(messages)));
        prompts.push_back(builder.render_messages(eval::to_json(eval::Messages{messages.front()})));
      }
    } catch (const TemplateError& e) {
      throw InputError(row.origin + ": the chat template raised: " + e.what());
    }
  }
  loaded(std::to_string(rows.size()) + " conversations (instruction data, scores only)");
  const auto scores = scorer_.score(texts);
  std::vector<report::ScoredInstruction> scored;
  for (size_t i = 0; i < rows.size(); ++i)
    scored.push_back(report::make_scored_instruction(rows[i], prompts[i], texts[i],
                                                     std::vector<double>(scores[i].begin(), scores[i].end())));
  report::write_instruction_outputs_jsonl(run_.output_path("outputs.jsonl"), scored);
  return finish(rows.size(), "outputs.jsonl, run.json", [&](std::ostream& out) {
    out << "scored " << rows.size() << " conversations (instruction data: no accuracy)\n";
  });
}

}  // namespace

int run_eval(const EvalOptions& given) {
  EvalOptions options = given;
  options.reference_settings = apply_reference_settings(options, nullptr);
  // Data first (cheap, and bad data should fail before a model download), then the model.
  const DatasetInput data = read_dataset(options.dataset, options.quiet);
  eval::DatasetOptions pairs_options;
  pairs_options.max_rows = options.limit;
  if (data.prior_sets()) {
    const auto rows = data.prior_set_rows(pairs_options);
    return EvalRun(options, data).v1(rows);
  }
  switch (eval::detect_row_format(data.rows, {options.benchmark, options.prioritize_scoring}, data.source)) {
    case eval::RowFormat::kBestOfN: {
      eval::V2DatasetOptions v2_options;
      v2_options.max_prompts = options.limit;
      const auto rows = eval::parse_v2_rows(data.rows, v2_options);
      return EvalRun(options, data).v2(rows);
    }
    case eval::RowFormat::kInstructions: {
      const auto rows = eval::parse_instruction_rows(data.rows, options.limit);
      return EvalRun(options, data).instructions(rows);
    }
    case eval::RowFormat::kPreferencePairs: break;
  }
  const auto rows = eval::parse_preference_rows(data.rows, pairs_options);
  return EvalRun(options, data).v1(rows);
}

}  // namespace rb::app

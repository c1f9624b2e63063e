#include "cli/eval_command.h"

#include <filesystem>
#include <iostream>

#include "cli/scoring_session.h"
#include "common/error.h"
#include "eval/dataset.h"
#include "eval/metrics.h"
#include "eval/v2_dataset.h"
#include "eval/v2_metrics.h"
#include "io/json_file.h"
#include "io/parquet.h"
#include "pipeline/pair_renderer.h"
#include "report/outputs_file.h"
#include "report/results_file.h"
#include "report/run_file.h"
#include "report/summary_table.h"
#include "report/v2_files.h"

namespace rb::cli {
namespace fs = std::filesystem;

namespace {

// RewardBench 2 rows carry completion lists and their counts; v1 rows have one chosen/rejected.
bool looks_like_v2(const std::vector<io::JsonRow>& rows) {
  return !rows.empty() && rows.front().value.contains("num_correct") && rows.front().value.contains("total_completions");
}

report::ResultsMetadata results_metadata(const ScoringSession& session) {
  report::ResultsMetadata metadata;
  metadata.model = session.results_model_name();
  metadata.chat_template = session.text_builder().chat_template_label();
  return metadata;
}

void write_run_json(ScoringSession& session, size_t num_rows) {
  session.clock().lap("write_outputs");
  report::write_run_json((fs::path(session.output_dir()) / "run.json").string(), session.run_config(num_rows),
                         session.clock().timings());
}

int run_v1(const EvalOptions& options, const std::vector<io::JsonRow>& json_rows) {
  ScoringSession session(options);
  eval::DatasetOptions dataset_options;
  dataset_options.max_rows = options.limit;
  const auto rows = eval::parse_preference_rows(json_rows, dataset_options);
  const auto texts = pipeline::render_pairs(rows, session.text_builder());
  session.clock().lap("load_and_render");
  session.log(std::to_string(rows.size()) + " pairs from " + options.dataset + ", chat template: " +
              session.text_builder().chat_template_label());

  session.load_model();
  std::vector<std::string> all_texts;
  all_texts.reserve(2 * texts.size());
  for (const auto& t : texts) {
    all_texts.push_back(t.chosen);
    all_texts.push_back(t.rejected);
  }
  const auto scores = session.score(all_texts);

  std::vector<eval::ScoredExample> examples;
  examples.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i)
    examples.push_back(eval::make_scored_example(rows[i], texts[i], scores[2 * i], scores[2 * i + 1]));
  const auto summary = eval::summarize(examples);

  const auto metadata = results_metadata(session);
  const fs::path out = session.output_dir();
  fs::create_directories(out);
  report::write_outputs_jsonl((out / "outputs.jsonl").string(), examples);
  write_run_json(session, rows.size());
  report::write_results_json((out / "results.json").string(), summary, metadata);

  std::cout << "model: " << metadata.model << "\n";
  report::print_summary(std::cout, summary);
  std::cout << "results written to " << out.string() << "/ (results.json, outputs.jsonl, run.json)\n";
  return 0;
}

// scripts/run_v2.py: every completion scored once as [user: prompt, assistant: completion],
// regrouped per prompt, best-of-N per subset and the Ties composite.
int run_v2(const EvalOptions& options, const std::vector<io::JsonRow>& json_rows) {
  ScoringSession session(options);
  eval::V2DatasetOptions dataset_options;
  dataset_options.max_prompts = options.limit;
  const auto rows = eval::parse_v2_rows(json_rows, dataset_options);
  const auto completions = eval::unroll_v2(rows);
  std::vector<std::string> texts;
  texts.reserve(completions.size());
  for (const auto& completion : completions) {
    try {
      texts.push_back(session.text_builder().render_messages(eval::to_json(completion.conversation)));
    } catch (const TemplateError& e) {
      throw InputError(rows[completion.prompt_index].origin + ": the chat template raised: " + e.what());
    }
  }
  session.clock().lap("load_and_render");
  session.log(std::to_string(rows.size()) + " prompts (" + std::to_string(texts.size()) + " completions) from " +
              options.dataset + ", chat template: " + session.text_builder().chat_template_label());

  session.load_model();
  const auto scores = session.score(texts);
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

  auto metadata = results_metadata(session);
  const fs::path out = session.output_dir();
  fs::create_directories(out);
  report::write_v2_scores_json((out / "scores.json").string(), prompts, metadata);
  write_run_json(session, rows.size());
  report::write_v2_results_json((out / "results.json").string(), summary, metadata);

  std::cout << "model: " << metadata.model << "\n";
  report::print_v2_summary(std::cout, summary);
  std::cout << "results written to " << out.string() << "/ (results.json, scores.json, run.json)\n";
  return 0;
}

}  // namespace

int run_eval(const EvalOptions& options) {
  const auto json_rows = io::read_dataset_rows(options.dataset);
  const bool v2 = options.benchmark == "v2" || (options.benchmark == "auto" && looks_like_v2(json_rows));
  return v2 ? run_v2(options, json_rows) : run_v1(options, json_rows);
}

}  // namespace rb::cli

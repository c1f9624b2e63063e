#include "cli/eval_command.h"

#include <CLI/CLI.hpp>

#include <algorithm>

#include <filesystem>
#include <iostream>

#include "cli/hub_inputs.h"
#include "cli/scoring_session.h"
#include "common/error.h"
#include "eval/dataset.h"
#include "eval/instruction_dataset.h"
#include "eval/pref_sets.h"
#include "eval/metrics.h"
#include "eval/v2_dataset.h"
#include "eval/v2_metrics.h"
#include "io/json_file.h"
#include "io/parquet.h"
#include "pipeline/pair_renderer.h"
#include "report/instruction_outputs.h"
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

// Last, after the files it describes: a run.json names them with their digests, so a complete
// run.json means complete results.
void write_run_json(ScoringSession& session, size_t num_rows, const std::vector<std::string>& output_files) {
  session.clock().lap("write_outputs");
  session.write_run_json(num_rows, output_files);
}

int run_v1(const EvalOptions& options, const std::vector<eval::PreferenceRow>& rows) {
  ScoringSession session(options);
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
  // run_rm pads the chosen texts of each --batch_size rows together, then their rejected texts.
  const auto scores = session.score(all_texts, pipeline::pairwise_padding_groups(texts.size(), options.batch_size));

  std::vector<eval::ScoredExample> examples;
  examples.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i)
    examples.push_back(eval::make_scored_example(rows[i], texts[i], scores[2 * i], scores[2 * i + 1]));
  const auto summary = eval::summarize(examples);

  const auto metadata = results_metadata(session);
  const fs::path out = session.output_dir();
  fs::create_directories(out);
  report::write_outputs_jsonl((out / "outputs.jsonl").string(), examples);
  report::write_results_json((out / "results.json").string(), summary, metadata);
  write_run_json(session, rows.size(), {"results.json", "outputs.jsonl"});

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
  // run_v2 scores the unrolled completions in batches of --batch_size, padded together.
  const auto scores = session.score(texts, pipeline::consecutive_padding_groups(texts.size(), options.batch_size));
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
  report::write_v2_results_json((out / "results.json").string(), summary, metadata);
  write_run_json(session, rows.size(), {"results.json", "scores.json"});

  std::cout << "model: " << metadata.model << "\n";
  report::print_v2_summary(std::cout, summary);
  std::cout << "results written to " << out.string() << "/ (results.json, scores.json, run.json)\n";
  return 0;
}

// The reference CLI's instruction-data mode: rows with `messages` (and no chosen/rejected, unless
// --prioritize_scoring) are scored one conversation each and written without any accuracy.
int run_instructions(const EvalOptions& options, const std::vector<io::JsonRow>& json_rows) {
  ScoringSession session(options);
  const auto rows = eval::parse_instruction_rows(json_rows, options.limit);
  const auto& builder = session.text_builder();
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
  session.clock().lap("load_and_render");
  session.log(std::to_string(rows.size()) + " conversations (instruction data, scores only) from " + options.dataset);

  session.load_model();
  const auto scores = session.score(texts);
  std::vector<report::ScoredInstruction> scored;
  for (size_t i = 0; i < rows.size(); ++i)
    scored.push_back(report::make_scored_instruction(rows[i], prompts[i], texts[i],
                                                     std::vector<double>(scores[i].begin(), scores[i].end())));
  const fs::path out = session.output_dir();
  fs::create_directories(out);
  report::write_instruction_outputs_jsonl((out / "outputs.jsonl").string(), scored);
  write_run_json(session, rows.size(), {"outputs.jsonl"});
  std::cout << "model: " << session.results_model_name() << "\n"
            << "scored " << rows.size() << " conversations (instruction data: no accuracy); written to "
            << out.string() << "/ (outputs.jsonl, run.json)\n";
  return 0;
}

}  // namespace

namespace {

// Distinct split names of resolved data files: several mean a set of prior-set splits.
size_t count_splits(const std::vector<eval::PrefSetSplit>& files) {
  std::vector<std::string> names;
  for (const auto& file : files)
    if (std::find(names.begin(), names.end(), file.name) == names.end()) names.push_back(file.name);
  return names.size();
}

// Hub repo ids become local snapshot folders; the results keep the repo id as the model's name.
EvalOptions with_local_model(const EvalOptions& given) {
  EvalOptions options = given;
  if (!is_hub_repo_id(options.model)) return options;
  if (options.label.empty()) options.label = options.model;
  if (options.output_dir.empty()) options.output_dir = (fs::path("results") / repo_name(options.model)).string();
  options.model = resolve_model_argument(options.model, {options.revision, options.quiet});
  return options;
}

int run_rows(const EvalOptions& options, const std::vector<io::JsonRow>& json_rows,
             const eval::DatasetOptions& dataset_options) {
  if (options.benchmark == "v2" || (options.benchmark == "auto" && looks_like_v2(json_rows)))
    return run_v2(options, json_rows);
  if (eval::detect_dataset_kind(json_rows, options.prioritize_scoring, options.dataset) ==
      eval::DatasetKind::kInstruction)
    return run_instructions(options, json_rows);
  return run_v1(options, eval::parse_preference_rows(json_rows, dataset_options));
}

}  // namespace

int run_eval(const EvalOptions& given) {
  // Data first (cheap, and bad data should fail before a model download), then the model.
  const std::vector<eval::PrefSetSplit> files = resolve_dataset_argument(given.dataset, {"main", given.quiet});
  EvalOptions options = with_local_model(given);
  eval::DatasetOptions dataset_options;
  dataset_options.max_rows = options.limit;
  // Several splits (a Hub prior-sets repo such as allenai/pref-test-sets) are the prior preference sets.
  if (count_splits(files) > 1) return run_v1(options, eval::load_pref_test_sets(files, dataset_options));
  options.dataset = files.front().path;
  // A local folder of <split>.jsonl files is the prior preference sets too.
  if (fs::is_directory(options.dataset))
    return run_v1(options, eval::load_pref_test_sets(eval::find_pref_set_splits(options.dataset), dataset_options));
  std::vector<io::JsonRow> json_rows;
  for (const auto& file : files) {  // the shards of one split, in order
    auto rows = io::read_dataset_rows(file.path);
    json_rows.insert(json_rows.end(), std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
  }
  return run_rows(options, json_rows, dataset_options);
}

void add_cache_options(CLI::App& eval_command, EvalOptions& options) {
  eval_command.add_option("--cache-dir,--cache_dir", options.cache_dir,
                          "Score cache folder (default: $XDG_CACHE_HOME/rewardbench or ~/.cache/rewardbench); an "
                          "interrupted run resumes from it, a repeated run scores nothing twice");
  eval_command.add_flag("--no-cache,--no_cache", options.no_cache, "Neither read nor write the score cache");
}

}  // namespace rb::cli

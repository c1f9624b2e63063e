#include "app/judge_run.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <iostream>
#include <mutex>

#include "app/dataset_input.h"
#include "app/progress.h"
#include "app/run_context.h"
#include "app/run_stats.h"
#include "common/error.h"
#include "io/atomic_file.h"
#include "judge/judge_outputs.h"
#include "judge/judge_plan.h"
#include "judge/judge_verdicts.h"
#include "judge/request_executor.h"
#include "report/results_file.h"
#include "report/summary_table.h"
#include "report/v2_files.h"
#include "stats/stats_items.h"

namespace rb::app {

const OptionTable<JudgeOptions>& judge_options_table() {
  static const OptionTable<JudgeOptions> table = [] {
    OptionTable<JudgeOptions> t;
    OptionInfo models{"--model", "models", "Judge model name(s); an odd number > 1 is a majority-vote ensemble", {}, true};
    models.one_or_more = true;
    t.value(models, &JudgeOptions::models);
    add_run_options(t, "RewardBench v1 preference rows (or RewardBench 2 rows with --v2): a file, a folder of prior-set "
                       "splits, or a Hub dataset",
                    "Where results.json, verdicts.jsonl, judge_metrics.json and run.json go (default: "
                    "results/judge/<model>)");
    t.value({"--base_url,--base-url,--judge_server,--judge-server", "base_url",
             "API base URL; a local judge server (llama.cpp's llama-server, vLLM, SGLang, TGI) is just its "
             "OpenAI-compatible URL, e.g. http://127.0.0.1:8080/v1 (default: OPENAI_BASE_URL / ANTHROPIC_BASE_URL, "
             "else the vendor's)"},
            &JudgeOptions::base_url)
        .value({"--protocol", "protocol", "openai (chat completions), anthropic (messages) or auto (claude* -> anthropic)",
                {"auto", "openai", "anthropic"}},
               &JudgeOptions::protocol)
        .value({"--prompt_style,--prompt-style", "prompt_style",
                "auto (by model name, as the reference), mt-bench, gemini, prometheus, offsetbias, con-j, rise-judge, "
                "atla"},
               &JudgeOptions::prompt_style)
        .action({"--v2", "", "RewardBench 2: four-way rankings (ratings for Ties), as run_generative_v2.py"},
                [](JudgeOptions& o) { o.version = 2; })
        .flag({"--score_w_ratings,--score-w-ratings,--ratings", "ratings", "Rate each answer 1-10 instead of comparing"},
              &JudgeOptions::ratings)
        .flag({"--debias", "debias",
               "Also judge every other answer order (v1: swapped; v2: all four rotations) and report position "
               "consistency"},
              &JudgeOptions::debias)
        .value({"--seed", "seed", "Fixes every example's answer order (a hash of seed and id)"}, &JudgeOptions::seed)
        .value({"--num_threads,--num-threads,--concurrency", "concurrency", "Requests in flight", {}, false, true},
               &JudgeOptions::concurrency)
        .value({"--cache", "cache", "SQLite response cache (default: <output_dir>/judge_cache.sqlite)"},
               &JudgeOptions::cache_path)
        .value({"--max_attempts,--max-attempts", "max_attempts",
                "Attempts per request (429, 5xx, timeouts and dropped connections are retried)", {}, false, true},
               [](JudgeOptions& o) -> int& { return o.retry.max_attempts; })
        .value({"--request_timeout,--request-timeout", "request_timeout", "Seconds one attempt may take", {}, false,
                true},
               [](JudgeOptions& o) -> double& { return o.retry.request_timeout_s; });
    return t;
  }();
  return table;
}

namespace {

using report::Json;

judge::JudgeSetup make_setup(const JudgeOptions& options) {
  if (options.models.empty()) throw InputError("judge: give at least one judge model (--model)");
  if (options.dataset.empty()) throw InputError("judge: give a dataset file (--dataset)");
  if (options.concurrency < 1) throw InputError("judge: --concurrency must be at least 1");
  judge::JudgeSetup setup;
  setup.version = options.version;
  setup.ratings = options.ratings;
  setup.debias = options.debias;
  setup.seed = options.seed;
  setup.models = options.models;
  setup.style = judge::parse_prompt_style(options.prompt_style);
  for (const auto& model : options.models)
    setup.endpoints.push_back(
        judge::resolve_endpoint(judge::resolve_protocol(options.protocol, model), options.base_url, options.api_key));
  return setup;
}

std::vector<judge::JudgeExample> load_examples(const JudgeOptions& options, const judge::JudgeSetup& setup,
                                               size_t* dropped) {
  *dropped = 0;
  const DatasetInput data = read_dataset(options.dataset, options.quiet);
  if (options.version == 2) {
    eval::V2DatasetOptions dataset_options;
    dataset_options.max_prompts = options.limit;
    return judge::examples_from_v2(eval::parse_v2_rows(data.rows, dataset_options), setup);
  }
  eval::DatasetOptions dataset_options;
  dataset_options.max_rows = options.limit;
  const auto rows =
      data.prior_sets() ? data.prior_set_rows(dataset_options) : eval::parse_preference_rows(data.rows, dataset_options);
  return judge::examples_from_v1(rows, setup, dropped);
}

// What decides the verdicts (the options themselves are in run.json's invocation).
Json run_config(const JudgeOptions& options, const judge::JudgeSetup& setup, const std::string& cache_path,
                const judge::ExecutionStats& stats) {
  Json endpoints = Json::array();
  for (const auto& endpoint : setup.endpoints)
    endpoints.push_back({{"protocol", judge::protocol_name(endpoint.protocol)}, {"base_url", endpoint.base_url}});
  return Json{{"command", "judge"},
              {"dataset", options.dataset},
              {"models", setup.models},
              {"endpoints", endpoints},
              {"prompt_style", options.prompt_style},
              {"version", options.version},
              {"ratings", options.ratings},
              {"debias", options.debias},
              {"seed", options.seed},
              {"cache", cache_path},
              {"requests",
               {{"distinct", stats.requests},
                {"from_cache", stats.cached},
                {"sent", stats.sent},
                {"failed", stats.failed},
                {"http_attempts", stats.attempts}}}};
}

void print_sections(const eval::EvalSummary& summary, const report::Intervals& intervals) {
  auto line = [&](const std::string& name, double score) {
    const std::string interval = intervals.format(name);
    std::cout << name << ": " << score << (interval.empty() ? "" : "  " + intervals.header() + " " + interval) << "\n";
  };
  for (const auto& section : summary.sections)
    if (section.has_subsets) line(section.section, section.score);
  if (summary.overall == summary.overall) line("overall", summary.overall);
}

// stats.json's items: one per example, the judge's result, its ratings as scores (ratings mode),
// and the answers' lengths in characters.
std::vector<stats::StatsItem> judge_items(const judge::JudgePlan& plan, const std::vector<judge::ExampleVerdict>& verdicts) {
  std::vector<stats::StatsItem> items;
  items.reserve(plan.examples.size());
  for (size_t e = 0; e < plan.examples.size(); ++e) {
    const judge::JudgeExample& example = plan.examples[e];
    stats::StatsItem item;
    item.subset = example.subset;
    item.id = example.id;
    const std::string id = example.id.is_string() ? example.id.get<std::string>() : example.id.dump();
    item.group = example.version == 1 ? example.question : (example.ties ? stats::ties_group(id) : id);
    item.result = verdicts[e].result;
    for (int rating : verdicts[e].ratings) item.scores.push_back(rating);
    item.num_correct = example.num_correct;
    for (const auto& answer : example.answers)
      item.lengths.push_back(answer.empty() ? 0.0 : stats::code_points(answer.back().content));
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace

int run_judge(const JudgeOptions& options) {
  RunContext run("judge", options.quiet);
  const judge::JudgeSetup setup = make_setup(options);
  const std::string label = judge::judge_model_label(options.models);
  run.set_output_dir(options.output_dir.empty() ? (std::filesystem::path("results") / "judge" / label).string()
                                                : options.output_dir);
  const std::string cache_path = options.cache_path.empty()
                                     ? (std::filesystem::path(run.output_dir()) / "judge_cache.sqlite").string()
                                     : options.cache_path;

  size_t dropped = 0;
  judge::JudgePlan plan = judge::plan_requests(load_examples(options, setup, &dropped), setup);
  plan.dropped_rows = dropped;
  run.clock().lap("load_and_plan");

  judge::ResponseCache cache(cache_path);
  judge::ExecutionStats stats;
  Progress progress("judge requests", !options.quiet);
  std::mutex progress_mutex;  // requests finish on many threads
  const auto answers = judge::execute_requests(plan.requests, setup.endpoints, cache, options.retry,
                                               options.concurrency, &stats, [&](size_t done, size_t total) {
                                                 std::lock_guard<std::mutex> lock(progress_mutex);
                                                 progress.update(done, total);
                                               });
  progress.finish();
  run.clock().lap("judge");
  // A failed request counts as a tie (0.5): a run whose requests mostly failed would report chance
  // scores as if judged. Stop instead; the answered requests are cached, a rerun retries the rest.
  if (stats.requests > 0 && 2 * stats.failed > stats.requests)
    throw ModelError(std::to_string(stats.failed) + " of " + std::to_string(stats.requests) +
                     " judge requests failed after their retries; no results written (the answered ones are "
                     "cached in " + cache_path + ": rerun to retry the rest)");

  const auto verdicts = judge::decide_all(plan, answers);
  const auto per_subset = judge::subset_stats(plan, verdicts);
  report::ResultsMetadata metadata;
  metadata.model = label;
  metadata.model_type = options.models.size() > 1 ? "Generative RM PoLL" : "Generative RM";
  metadata.chat_template = std::nullopt;
  std::map<std::string, double> scores;
  std::function<void(const report::Intervals&)> print_scores;
  if (options.version == 2) {
    const eval::V2Summary summary = judge::judge_v2_summary(plan, verdicts, scores);
    report::write_v2_results_json(run.output_path("results.json"), summary, metadata);
    print_scores = [summary](const report::Intervals& i) { report::print_v2_summary(std::cout, summary, &i); };
  } else {
    const eval::EvalSummary summary = judge::judge_v1_summary(per_subset, scores);
    report::write_results_json(run.output_path("results.json"), summary, metadata);
    print_scores = [summary](const report::Intervals& i) { print_sections(summary, i); };
  }
  io::write_file_atomically(run.output_path("verdicts.jsonl"),
                            judge::format_verdicts_jsonl(plan, verdicts, options.models));
  const Json metrics = judge::build_judge_metrics(per_subset, scores, options.debias, plan.dropped_rows);
  io::write_file_atomically(run.output_path("judge_metrics.json"), report::python_json_dumps(metrics, {4, true, true}));
  run.clock().lap("score_and_write");
  RunStatsInput stats_input{label, options.version == 2 ? stats::Benchmark::kV2 : stats::Benchmark::kV1,
                            judge_items(plan, verdicts)};
  if (options.debias) {  // the position bias, as judge_metrics.json measured it
    Json consistency = Json::object();
    for (const auto& [name, subset] : metrics["subsets"].items())
      if (subset.contains("position_consistency"))
        consistency[name] = {{"position_consistency", subset["position_consistency"]},
                             {"consistent_accuracy", subset["consistent_accuracy"]}};
    stats_input.extra_bias["position_consistency"] = consistency;
  }
  const auto intervals = intervals_of(write_run_stats(run, options, std::move(stats_input)));
  if (!options.quiet) print_scores(intervals);

  report::RunRecord record;
  record.config = run_config(options, setup, cache_path, stats);
  run.write_run_json(std::move(record), options.command_line, judge_options_table().to_json(options));
  if (!options.quiet) {
    judge::print_judge_summary(std::cout, metrics);
    std::cout << "judge: " << stats.requests << " distinct requests (" << stats.cached << " from cache, " << stats.sent
              << " sent, " << stats.failed << " failed); parse failures " << metrics["parse_failures"].get<size_t>()
              << "; results in " << run.output_dir() << "\n";
  }
  return 0;
}

}  // namespace rb::app

#include "judge/judge_command.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <mutex>

#include "common/error.h"
#include "eval/metrics.h"
#include "eval/v2_metrics.h"
#include "io/atomic_file.h"
#include "judge/judge_outputs.h"
#include "judge/judge_plan.h"
#include "judge/judge_verdicts.h"
#include "judge/request_executor.h"
#include "report/results_file.h"
#include "report/run_file.h"
#include "report/v2_files.h"

namespace rb::judge {
namespace {

namespace fs = std::filesystem;
using report::Json;

// The reference's API model lists (rewardbench/generative.py and generative_v2.py), used only for
// the org prefix of the results name.
const std::vector<std::string> kOpenAIModels = {
    "gpt-3.5-turbo", "gpt-3.5-turbo-0301", "gpt-3.5-turbo-0613", "gpt-3.5-turbo-1106", "gpt-3.5-turbo-0125",
    "gpt-4", "gpt-4-0314", "gpt-4-0613", "gpt-4-turbo", "gpt-4-1106-preview", "gpt-4-0125-preview",
    "gpt-4-turbo-2024-04-09", "gpt-4o-2024-05-13", "gpt-4o-mini-2024-07-18", "gpt-4o-2024-08-06",
    "o1-preview-2024-09-12", "o1-mini-2024-09-12", "gpt-4.1-mini-2025-04-14", "gpt-4.1-nano-2025-04-14",
    "gpt-4.1-2025-04-14"};
const std::vector<std::string> kAnthropicModels = {
    "claude-1", "claude-2", "claude-2.0", "claude-2.1", "claude-instant-1", "claude-instant-1.2",
    "claude-3-opus-20240229", "claude-3-sonnet-20240229", "claude-3-haiku-20240307", "claude-3-5-sonnet-20240620",
    "claude-3-7-sonnet-20250219", "claude-opus-4-20250514", "claude-sonnet-4-20250514"};
const std::vector<std::string> kGeminiModels = {
    "gemini-1.5-flash-001", "gemini-1.5-pro-001", "gemini-1.5-pro-exp-0801", "gemini-1.5-pro-exp-0827",
    "gemini-1.5-flash-exp-0827", "gemini-1.5-flash-8b", "gemini-1.5-flash-8b-exp-0827", "gemini-2.0-flash",
    "gemini-2.0-flash-lite", "gemini-2.5-pro-preview-05-06", "gemini-2.5-flash-preview-04-17",
    "gemini-3-pro-preview", "gemini-3-flash-preview"};

bool listed(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

class StageClock {
 public:
  void finish(const std::string& stage) {
    const auto now = std::chrono::steady_clock::now();
    timings_.push_back({stage, std::chrono::duration<double>(now - last_).count()});
    last_ = now;
  }
  const std::vector<report::StageTiming>& timings() const { return timings_; }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
  std::vector<report::StageTiming> timings_;
};

JudgeSetup make_setup(const JudgeOptions& options) {
  if (options.models.empty()) throw InputError("judge: give at least one judge model (--model)");
  if (options.dataset.empty()) throw InputError("judge: give a dataset file (--dataset)");
  if (options.concurrency < 1) throw InputError("judge: --concurrency must be at least 1");
  JudgeSetup setup;
  setup.version = options.version;
  setup.ratings = options.ratings;
  setup.debias = options.debias;
  setup.seed = options.seed;
  setup.models = options.models;
  setup.style = parse_prompt_style(options.prompt_style);
  for (const auto& model : options.models)
    setup.endpoints.push_back(resolve_endpoint(resolve_protocol(options.protocol, model), options.base_url, options.api_key));
  return setup;
}

std::vector<JudgeExample> load_examples(const JudgeOptions& options, const JudgeSetup& setup, size_t* dropped) {
  *dropped = 0;
  if (options.version == 2) {
    eval::V2DatasetOptions dataset_options;
    dataset_options.max_prompts = options.limit;
    return examples_from_v2(eval::load_v2_rows(options.dataset, dataset_options), setup);
  }
  eval::DatasetOptions dataset_options;
  dataset_options.max_rows = options.limit;
  return examples_from_v1(eval::load_preference_rows(options.dataset, dataset_options), setup, dropped);
}

ProgressCallback progress_printer(bool quiet) {
  if (quiet) return nullptr;
  auto mutex = std::make_shared<std::mutex>();
  auto last_percent = std::make_shared<int>(-1);
  return [mutex, last_percent](size_t done, size_t total) {
    std::lock_guard<std::mutex> lock(*mutex);
    const int percent = static_cast<int>(100 * done / std::max<size_t>(total, 1));
    if (percent / 10 == *last_percent / 10 && done != total) return;
    *last_percent = percent;
    std::cerr << "judge: " << done << "/" << total << " requests answered\n";
  };
}

// v1: per-subset mean of the results (1 / 0 / 0.5), then the leaderboard sections.
std::map<std::string, double> write_v1_results(const std::string& path, const std::map<std::string, SubsetJudgeStats>& stats,
                                               const report::ResultsMetadata& metadata, bool quiet) {
  std::vector<eval::SubsetAccuracy> accuracies;
  std::map<std::string, double> scores;
  for (const auto& [name, entry] : stats) {
    eval::SubsetAccuracy accuracy;
    accuracy.subset = name;
    accuracy.num_total = static_cast<int64_t>(entry.examples);
    accuracy.num_correct = static_cast<int64_t>(entry.results_sum);  // whole wins; halves are in accuracy
    accuracy.accuracy = entry.results_sum / static_cast<double>(entry.examples);
    scores[name] = accuracy.accuracy;
    accuracies.push_back(accuracy);
  }
  const eval::EvalSummary summary = eval::summarize_accuracies(std::move(accuracies));
  report::write_results_json(path, summary, metadata);
  if (!quiet) {
    for (const auto& section : summary.sections)
      if (section.has_subsets) std::cout << section.section << ": " << section.score << "\n";
    if (summary.overall == summary.overall) std::cout << "overall: " << summary.overall << "\n";
  }
  return scores;
}

// v2: per-subset mean, Ties by the composite over the ratings.
std::map<std::string, double> write_v2_results(const std::string& path, const JudgePlan& plan,
                                               const std::vector<ExampleVerdict>& verdicts,
                                               const report::ResultsMetadata& metadata, bool quiet) {
  std::vector<eval::V2ScoredPrompt> prompts;
  for (size_t e = 0; e < plan.examples.size(); ++e) {
    const JudgeExample& example = plan.examples[e];
    eval::V2ScoredPrompt prompt;
    prompt.id = example.id.is_string() ? example.id.get<std::string>() : example.id.dump();
    prompt.subset = example.subset;
    prompt.num_correct = example.num_correct;
    for (int rating : verdicts[e].ratings) prompt.scores.push_back(rating);
    prompt.result = verdicts[e].result;
    prompts.push_back(std::move(prompt));
  }
  const eval::V2Summary summary = eval::summarize_v2(prompts);
  report::write_v2_results_json(path, summary, metadata);
  if (!quiet) report::print_v2_summary(std::cout, summary);
  std::map<std::string, double> scores;
  for (const auto& subset : summary.subsets) scores[subset.subset] = subset.score;
  return scores;
}

Json run_config(const JudgeOptions& options, const JudgeSetup& setup, const std::string& cache_path) {
  Json models = Json::array(), endpoints = Json::array();
  for (size_t i = 0; i < setup.models.size(); ++i) {
    models.push_back(setup.models[i]);
    endpoints.push_back({{"protocol", protocol_name(setup.endpoints[i].protocol)}, {"base_url", setup.endpoints[i].base_url}});
  }
  return Json{{"command", "judge"},         {"command_line", options.command_line},
              {"dataset", options.dataset}, {"models", models},
              {"endpoints", endpoints},     {"prompt_style", options.prompt_style},
              {"version", options.version}, {"ratings", options.ratings},
              {"debias", options.debias},   {"seed", options.seed},
              {"concurrency", options.concurrency},
              {"limit", options.limit ? Json(*options.limit) : Json(nullptr)},
              {"cache", cache_path},
              {"retry", {{"max_attempts", options.retry.max_attempts},
                         {"initial_backoff_s", options.retry.initial_backoff_s},
                         {"max_backoff_s", options.retry.max_backoff_s},
                         {"request_timeout_s", options.retry.request_timeout_s}}}};
}

}  // namespace

std::string judge_model_label(const std::vector<std::string>& models) {
  if (models.size() > 1) {
    std::string joined;
    for (const auto& model : models) joined += (joined.empty() ? "" : "_") + model;
    return "PoLL/" + joined;
  }
  const std::string& model = models.at(0);
  if (listed(kOpenAIModels, model)) return "openai/" + model;
  if (listed(kAnthropicModels, model)) return "anthropic/" + model;
  if (listed(kGeminiModels, model)) return "google/" + model;
  return model;
}

int run_judge(const JudgeOptions& options) {
  StageClock clock;
  const JudgeSetup setup = make_setup(options);
  const std::string label = judge_model_label(options.models);
  const std::string output_dir =
      options.output_dir.empty() ? (fs::path("results") / "judge" / label).string() : options.output_dir;
  const std::string cache_path =
      options.cache_path.empty() ? (fs::path(output_dir) / "judge_cache.sqlite").string() : options.cache_path;

  size_t dropped = 0;
  JudgePlan plan = plan_requests(load_examples(options, setup, &dropped), setup);
  plan.dropped_rows = dropped;
  clock.finish("load_and_plan");

  ResponseCache cache(cache_path);
  ExecutionStats stats;
  const auto answers = execute_requests(plan.requests, setup.endpoints, cache, options.retry, options.concurrency,
                                        &stats, progress_printer(options.quiet));
  clock.finish("judge");

  const auto verdicts = decide_all(plan, answers);
  const auto per_subset = subset_stats(plan, verdicts);
  report::ResultsMetadata metadata;
  metadata.model = label;
  metadata.model_type = options.models.size() > 1 ? "Generative RM PoLL" : "Generative RM";
  metadata.chat_template = std::nullopt;
  const std::string results_path = (fs::path(output_dir) / "results.json").string();
  const auto scores = options.version == 2 ? write_v2_results(results_path, plan, verdicts, metadata, options.quiet)
                                           : write_v1_results(results_path, per_subset, metadata, options.quiet);

  io::write_file_atomically((fs::path(output_dir) / "verdicts.jsonl").string(),
                            format_verdicts_jsonl(plan, verdicts, options.models));
  const Json metrics = build_judge_metrics(per_subset, scores, options.debias, plan.dropped_rows);
  io::write_file_atomically((fs::path(output_dir) / "judge_metrics.json").string(),
                            report::python_json_dumps(metrics, {4, true, true}));
  clock.finish("score_and_write");

  Json config = run_config(options, setup, cache_path);
  config["requests"] = {{"distinct", stats.requests}, {"from_cache", stats.cached}, {"sent", stats.sent},
                        {"failed", stats.failed},    {"http_attempts", stats.attempts}};
  report::write_run_json((fs::path(output_dir) / "run.json").string(), config, clock.timings());
  if (!options.quiet) {
    print_judge_summary(std::cout, metrics);
    std::cout << "judge: " << stats.requests << " distinct requests (" << stats.cached << " from cache, " << stats.sent
              << " sent, " << stats.failed << " failed); parse failures " << metrics["parse_failures"].get<size_t>()
              << "; results in " << output_dir << "\n";
  }
  return 0;
}

}  // namespace rb::judge

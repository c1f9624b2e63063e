#include "judge/judge_cli.h"

namespace rb::judge {

CLI::App* add_judge_command(CLI::App& app, JudgeOptions& o) {
  auto* cmd = app.add_subcommand(
      "judge", "Evaluate an LLM judge (Generative RM) through an OpenAI-compatible or Anthropic API server");
  cmd->add_option("--model", o.models, "Judge model name(s); an odd number > 1 is a majority-vote ensemble")
      ->required()
      ->expected(1, -1);
  cmd->add_option("--dataset", o.dataset, "RewardBench v1 preference rows (or RewardBench 2 rows with --v2), .json/.jsonl")
      ->required();
  cmd->add_option("--output_dir,--output-dir", o.output_dir,
                  "Where results.json, verdicts.jsonl, judge_metrics.json and run.json go (default: results/judge/<model>)");
  cmd->add_option("--base_url,--base-url,--judge_server,--judge-server", o.base_url,
                  "API base URL; a local judge server (llama.cpp's llama-server, vLLM, SGLang, TGI) is just its "
                  "OpenAI-compatible URL, e.g. http://127.0.0.1:8080/v1 (default: OPENAI_BASE_URL / "
                  "ANTHROPIC_BASE_URL, else the vendor's)");
  cmd->add_option("--protocol", o.protocol, "openai (chat completions), anthropic (messages) or auto (claude* -> anthropic)")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "openai", "anthropic"}));
  cmd->add_option("--prompt_style,--prompt-style", o.prompt_style,
                  "auto (by model name, as the reference), mt-bench, gemini, prometheus, offsetbias, con-j, rise-judge, atla")
      ->capture_default_str();
  cmd->add_flag_callback("--v2", [&o] { o.version = 2; },
                         "RewardBench 2: four-way rankings (ratings for Ties), as run_generative_v2.py");
  cmd->add_flag("--score_w_ratings,--score-w-ratings,--ratings", o.ratings, "Rate each answer 1-10 instead of comparing");
  cmd->add_flag("--debias", o.debias,
                "Also judge every other answer order (v1: swapped; v2: all four rotations) and report position consistency");
  cmd->add_option("--seed", o.seed, "Fixes every example's answer order (a hash of seed and id)")->capture_default_str();
  cmd->add_option("--num_threads,--num-threads,--concurrency", o.concurrency, "Requests in flight")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--limit", o.limit, "Judge only the first N rows");
  cmd->add_flag_callback("--debug", [&o] { o.limit = 10; }, "First 10 rows only, as the reference's --debug");
  cmd->add_option("--cache", o.cache_path, "SQLite response cache (default: <output_dir>/judge_cache.sqlite)");
  cmd->add_option("--max_attempts,--max-attempts", o.retry.max_attempts,
                  "Attempts per request (429, 5xx, timeouts and dropped connections are retried)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--request_timeout,--request-timeout", o.retry.request_timeout_s, "Seconds one attempt may take")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--quiet,-q", o.quiet, "No progress output");
  return cmd;
}

}  // namespace rb::judge

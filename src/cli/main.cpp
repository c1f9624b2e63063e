// rewardbench: RewardBench in native C++. main() only wires subcommands to their run_* functions.
#include <CLI/CLI.hpp>

#include <iostream>
#include <sstream>

#include "cli/demo_command.h"
#include "cli/dpo_command.h"
#include "cli/eval_command.h"
#include "cli/inspect_commands.h"
#include "common/error.h"
#include "model/cpu_blas.h"
#include "model/reward_model.h"
#include "report/leaderboard_command.h"
#ifdef RB_WITH_JUDGE
#include "judge/judge_cli.h"
#endif
#ifdef RB_WITH_HUB
#include "hub/hub_command.h"
#endif

namespace {

std::string joined_command_line(int argc, char** argv) {
  std::ostringstream out;
  for (int i = 0; i < argc; ++i) out << (i ? " " : "") << argv[i];
  return out.str();
}

std::string architectures_help() {
  std::string names;
  for (const auto& name : rb::model::supported_architectures()) names += "\n  " + name;
  return "Supported architectures:" + names + "\n";
}

void add_eval_command(CLI::App& app, rb::cli::EvalOptions& o) {
  auto* cmd = app.add_subcommand(
      "eval", "Score a reward model on RewardBench v1 pairs, RewardBench 2 or instruction data (JSON/JSONL/Parquet)");
  cmd->footer(architectures_help());
  cmd->add_option("--model", o.model,
                  "Hugging Face model folder (config.json + *.safetensors), or org/name on the Hub (downloaded "
                  "into the Hugging Face cache: HF_HOME, HF_HUB_CACHE, HF_TOKEN, HF_ENDPOINT, HF_HUB_OFFLINE)")
      ->required();
  cmd->add_option("--revision", o.revision, "Hub revision of --model: branch, tag or commit hash")
      ->capture_default_str();
  cmd->add_option("--dataset", o.dataset,
                  "Data (.json, .jsonl or .parquet; RewardBench v1, v2 or instruction rows), a folder of prior-set "
                  "splits, or a Hub dataset (allenai/reward-bench: split filtered; allenai/reward-bench-2: test; "
                  "allenai/pref-test-sets: every split)")
      ->required();
  cmd->add_option("--benchmark", o.benchmark,
                  "v1 (pairs, as run_rm.py), v2 (best-of-N + Ties, as run_v2.py), or auto: v2 when rows have "
                  "num_correct and total_completions")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "v1", "v2"}));
  cmd->add_option("--tokenizer", o.tokenizer, "Tokenizer folder (default: the model folder)");
  cmd->add_option("--chat_template,--chat-template", o.chat_template,
                  "FastChat template used only when the tokenizer has no chat template")
      ->capture_default_str();
  cmd->add_option("--output_dir,--output-dir", o.output_dir,
                  "Where results.json, outputs.jsonl and run.json go (default: results/<model folder name>)");
  cmd->add_option("--torch_dtype,--torch-dtype,--dtype", o.dtype,
                  "Compute dtype: auto (float32 on CPU, bfloat16 on CUDA), float32, bfloat16, float16 (CUDA only)")
      ->capture_default_str();
  cmd->add_option("--device", o.device, "cpu, cuda or cuda:N")->capture_default_str();
  cmd->add_option("--attn_implementation,--attn-implementation", o.attn_implementation,
                  "As the reference's flag (CUDA only; CPU always computes exact eager attention). sdpa (transformers' "
                  "default) or eager: batches are attended in the reference's padded layout by the same kernel, so "
                  "bfloat16 scores equal the reference's bit for bit; flash_attention_2: one variable-length flash "
                  "call per packed batch (bfloat16 scores round differently from sdpa/eager, flipping near ties)")
      ->capture_default_str()
      ->check(CLI::IsMember({"sdpa", "eager", "flash_attention_2"}));
  cmd->add_option("--batch_size,--batch-size", o.batch_size,
                  "Rows the reference scores together (as run_rm.py's --batch_size; with a left-padding tokenizer "
                  "the pads a text gets there set its positions, so keep the reference's value for exact scores), "
                  "and the most sequences in one forward pass")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--max_tokens_per_batch,--max-tokens-per-batch", o.max_tokens_per_batch,
                  "Token budget of one packed forward pass (sequences are packed without padding)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--max_length,--max-length", o.max_length,
                  "Truncate every text to this many tokens, keeping its end (as run_rm.py)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--threads", o.threads, "CPU threads for tokenization and the model (0: all cores)")
      ->capture_default_str();
  cmd->add_flag("--prioritize_scoring,--prioritize-scoring", o.prioritize_scoring,
                "Rows with `messages` are instruction data (scores only) even when chosen/rejected exist");
  cmd->add_option("--limit", o.limit, "Evaluate only the first N rows (pairs, or prompts for v2)");
  cmd->add_flag_callback("--debug", [&o] { o.limit = 10; }, "First 10 rows only, as the reference's --debug");
  cmd->add_flag("--quiet,-q", o.quiet, "No progress output on stderr");
  cmd->add_option("--name", o.label, "Model name written to results.json (default: --model as given)");
#ifdef RB_WITH_CACHE
  rb::cli::add_cache_options(*cmd, o);
#endif
}

void add_tokenize_command(CLI::App& app, rb::cli::TokenizeOptions& o) {
  auto* cmd = app.add_subcommand("tokenize", "Print the token ids of one field of each JSONL line, one JSON array per line");
  cmd->add_option("--tokenizer", o.tokenizer_dir, "Folder with tokenizer.json (and tokenizer_config.json)")->required();
  cmd->add_option("--jsonl", o.jsonl_path, "Input lines (JSON objects)")->required();
  cmd->add_option("--field", o.field, "Field holding the text")->capture_default_str();
  cmd->add_flag_callback("--no-special-tokens", [&o] { o.add_special_tokens = false; },
                         "Do not run the post-processor (no BOS/EOS added)");
}

void add_render_command(CLI::App& app, rb::cli::RenderOptions& o) {
  auto* cmd = app.add_subcommand(
      "render", "Render {\"messages\": [...]} lines with the chat template; prints {\"text\"} or {\"error\"} per line");
  cmd->add_option("--tokenizer", o.tokenizer_dir, "Folder with tokenizer_config.json / chat_template.jinja")->required();
  cmd->add_option("--jsonl", o.jsonl_path, "Input lines {\"messages\": [{\"role\", \"content\"}, ...]}")->required();
  cmd->add_option("--chat_template,--chat-template", o.chat_template,
                  "FastChat template used only when the tokenizer has no chat template")
      ->capture_default_str();
  cmd->add_flag("--add_generation_prompt,--add-generation-prompt", o.add_generation_prompt,
                "Pass add_generation_prompt=True to the template");
}

void add_leaderboard_command(CLI::App& app, rb::report::LeaderboardOptions& o) {
  auto* cmd = app.add_subcommand(
      "leaderboard", "Section and overall scores of many results.json files, as the reference's leaderboard computes them");
  cmd->add_option("inputs", o.inputs, "results.json files, or folders searched for them")->required();
  cmd->add_option("--format", o.format, "markdown or csv")->capture_default_str()->check(CLI::IsMember({"markdown", "csv"}));
  cmd->add_option("--output_dir,--output-dir", o.output_dir, "Also write each table as CSV here");
  cmd->add_option("--model_type,--model-type", o.settings.model_type, "Only rows of this model type");
  cmd->add_flag("--keep_ref_free,--keep-ref-free", o.settings.keep_ref_free, "Keep \"DPO Ref. Free\" rows");
}

void add_demo_command(CLI::App& app, rb::cli::DemoOptions& o) {
  auto* cmd = app.add_subcommand(
      "demo", "Create a tiny RANDOM-WEIGHT Llama reward model and a small preference set, then evaluate it (offline)");
  cmd->add_option("--dir", o.dir, "Where the demo model, data and results go")->capture_default_str();
  cmd->add_option("--seed", o.seed, "Seed of the random weights")->capture_default_str();
  cmd->add_flag("--quiet,-q", o.quiet, "No progress output on stderr");
}

}  // namespace

#ifdef RB_WITH_HUB
void add_download_command(CLI::App& app, rb::hub::HubDownloadOptions& o) {
  auto* cmd = app.add_subcommand("download", "Fetch a model or dataset repo into the Hugging Face cache");
  cmd->add_option("repo", o.repo_id, "org/name")->required();
  cmd->add_flag("--dataset", o.dataset, "A dataset repo (default: a model repo)");
  cmd->add_option("--revision", o.revision, "Branch, tag or commit hash")->capture_default_str();
  cmd->add_option("--split", o.splits, "Dataset splits (default: the reference's, else all)");
  cmd->add_flag("--quiet,-q", o.quiet, "No progress bars");
}
#endif

int main(int argc, char** argv) {
  rb::model::ensure_position_independent_blas(argv);  // may re-execute this program once
  CLI::App app{"rewardbench: RewardBench (reward-model evaluation) in native C++"};
  app.set_version_flag("--version", "rewardbench 0.1.0");
  app.require_subcommand(1);
  rb::cli::EvalOptions eval_options;
  rb::cli::TokenizeOptions tokenize_options;
  rb::cli::RenderOptions render_options;
  rb::cli::DemoOptions demo_options;
  rb::report::LeaderboardOptions leaderboard_options;
  add_eval_command(app, eval_options);
  add_tokenize_command(app, tokenize_options);
  add_render_command(app, render_options);
  add_demo_command(app, demo_options);
  add_leaderboard_command(app, leaderboard_options);
  rb::cli::DpoOptions dpo_options;
  rb::cli::add_dpo_command(app, dpo_options);
#ifdef RB_WITH_JUDGE
  rb::judge::JudgeOptions judge_options;
  rb::judge::add_judge_command(app, judge_options);
#endif
#ifdef RB_WITH_HUB
  rb::hub::HubDownloadOptions download_options;
  add_download_command(app, download_options);
#endif
  CLI11_PARSE(app, argc, argv);

  try {
    const std::string command = app.get_subcommands().front()->get_name();
    if (command == "eval") {
      eval_options.command_line = joined_command_line(argc, argv);
      return rb::cli::run_eval(eval_options);
    }
    if (command == "tokenize") return rb::cli::run_tokenize(tokenize_options, std::cout);
    if (command == "render") return rb::cli::run_render(render_options, std::cout);
    if (command == "demo") return rb::cli::run_demo(demo_options);
    if (command == "leaderboard") return rb::report::run_leaderboard(leaderboard_options);
    if (command == "dpo") {
      dpo_options.command_line = joined_command_line(argc, argv);
      return rb::cli::run_dpo_eval(dpo_options);
    }
#ifdef RB_WITH_HUB
    if (command == "download") return rb::hub::run_hub_download(download_options, std::cout, std::cerr);
#endif
#ifdef RB_WITH_JUDGE
    if (command == "judge") {
      judge_options.command_line = joined_command_line(argc, argv);
      return rb::judge::run_judge(judge_options);
    }
#endif
  } catch (const rb::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\n";
    return 3;
  }
  return 2;
}

#pragma once
// `rewardbench eval`: score a sequence-classifier reward model on a RewardBench v1 preference
// set (as scripts/run_rm.py: results.json, outputs.jsonl, run.json) or on RewardBench 2 (as
// scripts/run_v2.py: results.json, scores.json, run.json), or score instruction data (rows with
// `messages`: outputs.jsonl without accuracy, as the reference CLI).
#include <cstddef>
#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace rb::cli {

struct EvalOptions {
  std::string model;                 // local Hugging Face folder, or org/name on the Hub
  std::string revision = "main";     // Hub revision of --model (branch, tag or commit hash)
  std::string tokenizer;             // defaults to the model folder
  std::string dataset;               // .json / .jsonl / .parquet, a folder of splits, or org/name on the Hub
  std::string benchmark = "auto";    // v1, v2, or auto (v2 when rows have num_correct/total_completions)
  std::string chat_template = "tulu";  // FastChat fallback; the tokenizer's template always wins
  std::string output_dir;            // default: results/<model folder name>
  std::string dtype = "auto";        // auto: float32 on CPU, bfloat16 on CUDA
  std::string device = "cpu";
  std::string attn_implementation = "sdpa";  // as the reference's --attn_implementation (CUDA rounding)
  size_t batch_size = 64;            // most sequences in one forward pass
  size_t max_tokens_per_batch = 16384;
  size_t max_length = 2048;
  int threads = 0;                   // 0: all cores
  std::optional<size_t> limit;       // first N rows only (--debug: 10)
  bool prioritize_scoring = false;   // rows with `messages` are instruction data even with chosen/rejected
  bool quiet = false;
  std::string command_line;          // recorded in run.json
  std::string label;                 // shown in results.json "model"; default: --model as given
  // Score cache (SQLite): default $XDG_CACHE_HOME/rewardbench, else ~/.cache/rewardbench.
  std::string cache_dir;
  bool no_cache = false;
};

int run_eval(const EvalOptions& options);

// --cache-dir and --no-cache on the eval subcommand (main.cpp calls this in add_eval_command).
void add_cache_options(CLI::App& eval_command, EvalOptions& options);

}  // namespace rb::cli

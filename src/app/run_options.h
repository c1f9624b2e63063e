#pragma once
// What the commands that run over a dataset are told (after defaults), and the flags that tell
// them, each declared once for every command that has it:
//   RunOptions         --dataset, --output_dir, --limit/--debug, --quiet, the bootstrap of stats.json
//                      (eval, dpo, judge, baseline)
//   ScoringRunOptions  the model, its tokenizer and numerics, batching, threads, the score cache (eval, dpo)
// A command's own flags go in its table (eval_options.cpp, dpo_options.cpp, judge_options.cpp).
#include <cstddef>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "app/option_table.h"

namespace rb::app {

struct RunOptions {
  std::string dataset;           // a file, a folder of prior-set splits, or org/name on the Hub
  std::string output_dir;        // default: the command's (results/<model name>, ...)
  std::optional<size_t> limit;   // first N rows only (--debug: 10)
  bool quiet = false;
  size_t bootstrap_samples = 10000;  // stats.json's intervals; 0: point values only
  size_t bootstrap_seed = 0;
  std::string command_line;      // as typed, for run.json (the options themselves come from the table)
  std::set<std::string> given;   // run.json keys of the flags typed (the rest are defaults)
};

struct ScoringRunOptions : RunOptions {
  std::string model;                  // local Hugging Face folder, or org/name on the Hub
  std::string revision = "main";      // Hub revision of --model
  std::string tokenizer;              // default: the model folder
  std::string chat_template = "tulu";  // FastChat fallback; the tokenizer's template always wins
  std::string date;                   // YYYY-MM-DD for strftime_now(); default SOURCE_DATE_EPOCH, else now
  std::string dtype = "auto";         // auto: float32 on CPU, bfloat16 on CUDA
  std::string device = "cpu";
  std::string attn_implementation = "sdpa";  // as the reference's flag; decides CUDA bf16 rounding
  size_t batch_size = 64;             // the reference's rows per batch, and most sequences per forward pass
  size_t max_tokens_per_batch = 16384;
  size_t max_length = 2048;
  int threads = 0;                    // 0: all cores
  std::string label;                  // results.json "model"; default: --model as given
  std::string cache_dir;              // score cache; default $XDG_CACHE_HOME/rewardbench or ~/.cache/rewardbench
  bool no_cache = false;
  bool allow_nan = false;             // accept NaN/infinite scores (the reference's silent losses)
  // Filled by apply_reference_settings (reference_settings.h) when --model is a leaderboard
  // model; recorded in run.json. Null otherwise.
  nlohmann::ordered_json reference_settings;
};

inline constexpr const char* kDateHelp =
    "The day a chat template's strftime_now() sees, as YYYY-MM-DD (formatted in UTC), so that texts and "
    "scores do not change with the day of the run; default: SOURCE_DATE_EPOCH when set, else now "
    "(run.json records which)";

template <class Options>
void add_run_options(OptionTable<Options>& table, const std::string& dataset_help, const std::string& output_dir_help) {
  table.value({"--dataset", "dataset", dataset_help, {}, true}, &RunOptions::dataset)
      .value({"--output_dir,--output-dir", "output_dir", output_dir_help}, &RunOptions::output_dir)
      .value({"--limit", "limit", "Evaluate only the first N rows (pairs, or prompts for RewardBench 2)", {}, false,
              true},
             &RunOptions::limit)
      .action({"--debug", "", "First 10 rows only, as the reference's --debug"}, [](Options& o) { o.limit = 10; })
      .flag({"--quiet,-q", "quiet", "No progress output on stderr"}, &RunOptions::quiet)
      .value({"--bootstrap_samples,--bootstrap-samples", "bootstrap_samples",
              "Bootstrap resamples behind stats.json's standard errors and 95% intervals (prompts redrawn "
              "within subsets; 0: point values only)"},
             &RunOptions::bootstrap_samples)
      .value({"--bootstrap_seed,--bootstrap-seed", "bootstrap_seed", "Seed of the bootstrap (same seed, same intervals)"},
             &RunOptions::bootstrap_seed);
}

template <class Options>
void add_scoring_run_options(OptionTable<Options>& table) {
  table
      .value({"--model", "model",
              "Hugging Face model folder (config.json + *.safetensors), or org/name on the Hub (downloaded into the "
              "Hugging Face cache: HF_HOME, HF_HUB_CACHE, HF_TOKEN, HF_ENDPOINT, HF_HUB_OFFLINE)",
              {}, true},
             &ScoringRunOptions::model)
      .value({"--revision", "revision", "Hub revision of --model: branch, tag or commit hash"},
             &ScoringRunOptions::revision)
      .value({"--tokenizer", "tokenizer", "Tokenizer folder (default: the model folder)"},
             &ScoringRunOptions::tokenizer)
      .value({"--chat_template,--chat-template", "chat_template",
              "FastChat template used only when the tokenizer has no chat template"},
             &ScoringRunOptions::chat_template)
      .value({"--date", "date", kDateHelp}, &ScoringRunOptions::date)
      .value({"--torch_dtype,--torch-dtype,--dtype", "dtype",
              "Compute dtype: auto (float32 on CPU, bfloat16 on CUDA), float32, bfloat16, float16 (CUDA only)"},
             &ScoringRunOptions::dtype)
      .value({"--device", "device", "cpu, cuda or cuda:N"}, &ScoringRunOptions::device)
      .value({"--attn_implementation,--attn-implementation", "attn_implementation",
              "As the reference's flag (CUDA only; CPU always computes exact eager attention). sdpa (transformers' "
              "default) or eager: batches are attended in the reference's padded layout by the same kernel, so "
              "bfloat16 scores equal the reference's bit for bit; flash_attention_2: one variable-length flash call "
              "per packed batch (bfloat16 scores round differently from sdpa/eager, flipping near ties)",
              {"sdpa", "eager", "flash_attention_2"}},
             &ScoringRunOptions::attn_implementation)
      .value({"--batch_size,--batch-size", "batch_size",
              "Rows the reference scores together (its --batch_size; with a left-padding tokenizer the pads a text "
              "gets there set its positions, so keep the reference's value for exact scores), and the most sequences "
              "in one forward pass",
              {}, false, true},
             &ScoringRunOptions::batch_size)
      .value({"--max_tokens_per_batch,--max-tokens-per-batch", "max_tokens_per_batch",
              "Token budget of one packed forward pass (sequences are packed without padding)", {}, false, true},
             &ScoringRunOptions::max_tokens_per_batch)
      .value({"--threads", "threads", "CPU threads for tokenization and the model (0: all cores)"},
             &ScoringRunOptions::threads)
      .value({"--name", "name", "Model name written to results.json (default: --model as given)"},
             &ScoringRunOptions::label)
      .value({"--cache-dir,--cache_dir", "cache_dir",
              "Score cache folder (default: $XDG_CACHE_HOME/rewardbench or ~/.cache/rewardbench); an interrupted "
              "run resumes from it, a repeated run scores nothing twice"},
             &ScoringRunOptions::cache_dir)
      .flag({"--no-cache,--no_cache", "no_cache", "Neither read nor write the score cache"},
            &ScoringRunOptions::no_cache)
      .flag({"--allow-nan,--allow_nan", "allow_nan",
             "Accept NaN or infinite scores (counted as lost pairs, as the reference does silently); without it "
             "they stop the run, naming how many, where and the first row"},
            &ScoringRunOptions::allow_nan);
}

}  // namespace rb::app

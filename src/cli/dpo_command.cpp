#include "cli/dpo_command.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include <CLI/CLI.hpp>

#include "cli/progress.h"
#include "common/error.h"
#include "eval/dataset.h"
#include "eval/implicit_reward.h"
#include "eval/instruction_dataset.h"
#include "eval/metrics.h"
#include "eval/pref_sets.h"
#include "io/atomic_file.h"
#include "io/parquet.h"
#include "pipeline/dpo_log_probs.h"
#include "pipeline/dpo_tokenization.h"
#include "pipeline/pair_renderer.h"
#include "pipeline/text_builder.h"
#include "pipeline/tokenizer_folder.h"
#include "report/outputs_file.h"
#include "report/results_file.h"
#include "report/run_file.h"
#include "report/summary_table.h"

namespace rb::cli {
namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

class Stopwatch {
 public:
  void lap(const std::string& stage) {
    const auto now = std::chrono::steady_clock::now();
    timings_.push_back({stage, std::chrono::duration<double>(now - last_).count()});
    last_ = now;
  }
  const std::vector<report::StageTiming>& timings() const { return timings_; }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
  std::vector<report::StageTiming> timings_;
};

void log(const DpoOptions& options, const std::string& line) {
  if (!options.quiet) std::cerr << "rewardbench dpo: " << line << "\n";
}

model::DType resolve_dtype(const DpoOptions& options) {
  if (options.dtype == "auto") return options.device == "cpu" ? model::DType::Float32 : model::DType::BFloat16;
  return model::parse_dtype(options.dtype);
}

int resolve_threads(int requested) {
  return requested > 0 ? requested : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// "a/b/", "a/./b" and "a/b" name the same folder.
fs::path normalized_folder(const std::string& path) {
  fs::path normal = fs::path(path).lexically_normal();
  return normal.has_filename() ? normal : normal.parent_path();
}

// run_dpo saves reference-free results under "{model}_ref_free".
std::string default_output_dir(const DpoOptions& options) {
  std::string name = normalized_folder(options.model).filename().string();
  if (name.empty() || name == "." || name == "..") name = "model";
  if (options.ref_model.empty()) name += "_ref_free";
  return (fs::path("results") / name).string();
}

void validate(const DpoOptions& options) {
  if (options.model.empty()) throw InputError("dpo: --model is required");
  if (options.dataset.empty()) throw InputError("dpo: --dataset is required");
  if (!options.ref_model.empty() && normalized_folder(options.ref_model) == normalized_folder(options.model))
    throw InputError("dpo: --ref_model must differ from --model (policy and reference model should be different)");
  if (options.ref_model.empty()) eval::parse_ref_free_type(options.ref_free_type);
  if (options.batch_size == 0 || options.max_tokens_per_batch == 0)
    throw InputError("dpo: --batch_size and --max_tokens_per_batch must be positive");
}

std::vector<eval::PreferenceRow> load_rows(const DpoOptions& options) {
  eval::DatasetOptions dataset_options;
  dataset_options.max_rows = options.limit;
  if (fs::is_directory(options.dataset))
    return eval::load_pref_test_sets(eval::find_pref_set_splits(options.dataset), dataset_options);
  const auto json_rows = io::read_dataset_rows(options.dataset);
  if (!json_rows.empty() && json_rows.front().value.contains("num_correct") &&
      json_rows.front().value.contains("total_completions"))
    throw InputError(options.dataset + ": RewardBench 2 rows; DPO scoring supports v1 preference pairs only");
  // The reference CLI raises NotImplementedError for instruction data with a DPO model.
  if (eval::detect_dataset_kind(json_rows, false, options.dataset) == eval::DatasetKind::kInstruction)
    throw InputError(options.dataset + ": instruction data (messages) cannot be scored by a DPO model; it needs "
                     "chosen/rejected pairs");
  return eval::parse_preference_rows(json_rows, dataset_options);
}

std::vector<pipeline::DpoPair> tokenize_pairs(const std::vector<eval::PreferenceRow>& rows,
                                              const std::vector<eval::RenderedTexts>& texts,
                                              const pipeline::TokenizerFolder& folder, const pipeline::DpoTruncation& truncation,
                                              int threads) {
  const auto special = pipeline::dpo_special_ids(folder);
  const auto encode = pipeline::encoder_without_specials(folder);
  std::vector<pipeline::DpoPair> pairs(texts.size());
  std::atomic<size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < texts.size();) {
      try {
        pairs[i] = pipeline::tokenize_dpo_pair(encode, special, texts[i].prompt, texts[i].chosen, texts[i].rejected,
                                               truncation);
      } catch (const Error& e) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::make_exception_ptr(InputError(rows[i].origin + ": " + e.what()));
        next = texts.size();
      }
    }
  };
  const size_t workers = std::min<size_t>(static_cast<size_t>(threads), std::max<size_t>(1, texts.size() / 32));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < workers; ++t) pool.emplace_back(worker);
  worker();
  for (auto& thread : pool) thread.join();
  if (failure) std::rethrow_exception(failure);
  return pairs;
}

// Chosen of row i at 2i, rejected at 2i + 1.
std::vector<pipeline::DpoSequence> interleave(const std::vector<pipeline::DpoPair>& pairs) {
  std::vector<pipeline::DpoSequence> sequences;
  sequences.reserve(2 * pairs.size());
  for (const auto& pair : pairs) {
    sequences.push_back(pair.chosen);
    sequences.push_back(pair.rejected);
  }
  return sequences;
}

std::vector<std::vector<float>> log_probs_of(const std::string& folder, const std::string& role,
                                             const std::vector<pipeline::DpoSequence>& sequences, const DpoOptions& options,
                                             const model::LoadOptions& load_options, const CausalLmLoader& load_causal_lm) {
  auto model = load_causal_lm(folder, load_options);
  const auto& info = model->info();
  log(options, role + ": " + info.architecture + " (" + std::to_string(info.num_parameters) + " parameters, " +
                   model::dtype_name(load_options.dtype) + ", " + load_options.device + ")");
  runtime::BatchLimits limits;
  limits.max_sequences_per_batch = static_cast<int64_t>(options.batch_size);
  limits.max_tokens_per_batch = static_cast<int64_t>(options.max_tokens_per_batch);
  Progress progress(role + " log-probs", !options.quiet);
  auto result = pipeline::answer_log_probs(*model, sequences, limits,
                                           [&](size_t done, size_t total) { progress.update(done, total); });
  progress.finish();
  return result;
}

struct TokenCounts {
  size_t tokens = 0, answer_tokens = 0, boundary_fixes = 0, prompts_truncated = 0, answers_truncated = 0;
};

TokenCounts count_tokens(const std::vector<pipeline::DpoSequence>& sequences) {
  TokenCounts counts;
  for (const auto& s : sequences) {
    counts.tokens += s.ids.size();
    counts.answer_tokens += s.num_answer_tokens();
    counts.boundary_fixes += s.boundary_fix;
    counts.prompts_truncated += s.prompt_truncated;
    counts.answers_truncated += s.answer_truncated;
  }
  return counts;
}

Json run_config(const DpoOptions& options, const std::string& tokenizer_dir, const std::string& output_dir,
                const pipeline::TextBuilder& builder, const pipeline::DpoSpecialIds& special, model::DType dtype,
                int threads, size_t num_rows, const TokenCounts& counts) {
  Json config;
  config["rewardbench_version"] = "0.1.0";
  config["command_line"] = options.command_line;
  config["model"] = options.model;
  config["ref_model"] = options.ref_model.empty() ? Json(nullptr) : Json(options.ref_model);
  config["reward"] = options.ref_model.empty() ? options.ref_free_type : "ratio";
  config["tokenizer"] = tokenizer_dir;
  config["dataset"] = options.dataset;
  config["num_rows"] = num_rows;
  config["output_dir"] = output_dir;
  config["dtype"] = model::dtype_name(dtype);
  config["device"] = options.device;
  config["attn_implementation"] = options.attn_implementation;
  config["chat_template_used"] = builder.chat_template_label();
  config["max_length"] = options.max_length;
  config["max_prompt_length"] = options.max_prompt_length;
  config["truncation_mode"] = "keep_end";
  config["bos_token_id"] = special.bos;
  config["eos_token_id"] = special.eos;
  config["batch_size"] = options.batch_size;
  config["max_tokens_per_batch"] = options.max_tokens_per_batch;
  config["threads"] = threads;
  config["tokens_per_model"] = counts.tokens;
  config["answer_tokens"] = counts.answer_tokens;
  config["boundary_fixes"] = counts.boundary_fixes;
  config["prompts_truncated"] = counts.prompts_truncated;
  config["answers_truncated"] = counts.answers_truncated;
  return config;
}

}  // namespace

int run_dpo_eval_with_loader(const DpoOptions& options, const CausalLmLoader& load_causal_lm) {
  validate(options);
  Stopwatch clock;
  const int threads = resolve_threads(options.threads);
  model::set_num_threads(threads);
  const bool ref_free = options.ref_model.empty();
  const auto reward_kind = ref_free ? eval::parse_ref_free_type(options.ref_free_type) : eval::ImplicitRewardKind::Ratio;
  const std::string tokenizer_dir = options.tokenizer.empty() ? options.model : options.tokenizer;
  const std::string output_dir = options.output_dir.empty() ? default_output_dir(options) : options.output_dir;

  // run_dpo changes the tokenizer (pad := eos, no BOS -> bos := eos) before rendering any text.
  auto folder = pipeline::load_tokenizer_folder(tokenizer_dir);
  pipeline::apply_dpo_special_tokens(folder);
  const auto special = pipeline::dpo_special_ids(folder);
  const pipeline::TextBuilder builder(folder, options.chat_template);
  const auto rows = load_rows(options);
  const auto texts = pipeline::render_pairs(rows, builder);
  const auto sequences = interleave(
      tokenize_pairs(rows, texts, folder, {options.max_length, options.max_prompt_length}, threads));
  clock.lap("load_render_tokenize");
  log(options, std::to_string(rows.size()) + " pairs from " + options.dataset + ", chat template: " +
                   builder.chat_template_label() + ", reward: " + eval::implicit_reward_name(reward_kind));

  model::LoadOptions load_options{resolve_dtype(options), options.device};
  load_options.attn_implementation = model::parse_attn_implementation(options.attn_implementation);
  const auto policy = log_probs_of(options.model, "policy", sequences, options, load_options, load_causal_lm);
  clock.lap("policy_log_probs");
  std::vector<std::vector<float>> reference;
  if (!ref_free) {
    reference = log_probs_of(options.ref_model, "reference", sequences, options, load_options, load_causal_lm);
    clock.lap("reference_log_probs");
  }

  std::vector<eval::ScoredExample> examples;
  examples.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    auto reward = [&](size_t k) {
      return static_cast<double>(eval::implicit_reward(reward_kind, policy[k], ref_free ? nullptr : &reference[k]));
    };
    examples.push_back(eval::make_scored_example(rows[i], texts[i], std::vector<double>{reward(2 * i)},
                                                 std::vector<double>{reward(2 * i + 1)}));
  }
  const auto summary = eval::summarize(examples);

  report::ResultsMetadata metadata;
  metadata.model = options.label.empty() ? options.model : options.label;
  metadata.model_type = ref_free ? "DPO Ref. Free" : "DPO";
  // run_dpo.py writes "tokenizer" whenever the tokenizer object has a chat_template attribute,
  // which is always; run.json records the template actually used.
  metadata.chat_template = "tokenizer";
  auto results = report::build_results_json(summary, metadata);
  results["ref_model"] = ref_free ? Json(nullptr) : Json(options.ref_model);

  const fs::path out(output_dir);
  fs::create_directories(out);
  report::write_outputs_jsonl((out / "outputs.jsonl").string(), examples);
  clock.lap("write_outputs");
  report::write_run_json((out / "run.json").string(),
                         run_config(options, tokenizer_dir, output_dir, builder, special, load_options.dtype, threads,
                                    rows.size(), count_tokens(sequences)),
                         clock.timings());
  io::write_file_atomically((out / "results.json").string(), report::format_results_json(results));

  std::cout << "model: " << metadata.model << (ref_free ? "" : " (reference: " + options.ref_model + ")") << "\n";
  report::print_summary(std::cout, summary);
  std::cout << "results written to " << out.string() << "/ (results.json, outputs.jsonl, run.json)\n";
  return 0;
}

int run_dpo_eval(const DpoOptions& options) { return run_dpo_eval_with_loader(options, model::load_causal_lm); }

void add_dpo_command(CLI::App& app, DpoOptions& o) {
  auto* cmd = app.add_subcommand(
      "dpo", "Score a DPO model by its implicit reward on RewardBench v1 pairs (as scripts/run_dpo.py)");
  cmd->add_option("--model", o.model, "Policy: local *ForCausalLM Hugging Face folder")->required();
  cmd->add_option("--ref_model,--ref-model", o.ref_model,
                  "Reference model folder: reward = summed log-prob ratio (omit for reference-free)");
  cmd->add_option("--ref_free_type,--ref-free-type", o.ref_free_type,
                  "Reference-free reward: avg (mean log-prob), sum, or norm (-L2 norm)")
      ->capture_default_str()
      ->check(CLI::IsMember({"avg", "sum", "norm"}));
  cmd->add_option("--dataset", o.dataset, "v1 preference pairs (.json/.jsonl/.parquet) or a folder of prior-set splits")
      ->required();
  cmd->add_option("--tokenizer", o.tokenizer, "Tokenizer folder (default: the model folder)");
  cmd->add_option("--chat_template,--chat-template", o.chat_template,
                  "FastChat template when the tokenizer has none")
      ->capture_default_str();
  cmd->add_option("--output_dir,--output-dir", o.output_dir,
                  "Output folder (default: results/<model>, with _ref_free without --ref_model)");
  cmd->add_option("--torch_dtype,--torch-dtype,--dtype", o.dtype, "auto, float32, bfloat16 or float16")
      ->capture_default_str();
  cmd->add_option("--device", o.device, "cpu, cuda or cuda:N")->capture_default_str();
  cmd->add_option("--attn_implementation,--attn-implementation", o.attn_implementation,
                  "As the reference's flag (CUDA only): sdpa (default) or eager reproduce its bfloat16 rounding; "
                  "flash_attention_2 attends packed batches with one variable-length flash call")
      ->capture_default_str()
      ->check(CLI::IsMember({"sdpa", "eager", "flash_attention_2"}));
  cmd->add_option("--batch_size,--batch-size", o.batch_size, "Most sequences in one forward pass")
      ->capture_default_str();
  cmd->add_option("--max_tokens_per_batch,--max-tokens-per-batch", o.max_tokens_per_batch,
                  "Token budget of one packed forward pass")
      ->capture_default_str();
  cmd->add_option("--max_length,--max-length", o.max_length, "DPO max_length (prompt + answer)")->capture_default_str();
  cmd->add_option("--max_prompt_length,--max-prompt-length", o.max_prompt_length,
                  "Prompt tokens kept (from the end) when prompt + answer is too long")
      ->capture_default_str();
  cmd->add_option("--threads", o.threads, "CPU threads for tokenization and the model (0: all cores)")
      ->capture_default_str();
  cmd->add_option("--limit", o.limit, "Evaluate only the first N pairs");
  cmd->add_flag_callback("--debug", [&o] { o.limit = 10; }, "First 10 pairs only, as the reference's --debug");
  cmd->add_flag("--quiet,-q", o.quiet, "No progress output on stderr");
  cmd->add_option("--name", o.label, "Model name written to results.json (default: --model as given)");
}

}  // namespace rb::cli

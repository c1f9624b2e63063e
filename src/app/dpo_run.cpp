#include "app/dpo_run.h"
#include "app/reference_settings.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "app/dataset_input.h"
#include "app/hub_inputs.h"
#include "app/non_finite_scores.h"
#include "app/progress.h"
#include "app/run_context.h"
#include "app/run_stats.h"
#include "app/score_cache.h"
#include "app/scoring_setup.h"
#include "common/error.h"
#include "common/version.h"
#include "eval/benchmarks.h"
#include "eval/implicit_reward.h"
#include "eval/metrics.h"
#include "io/atomic_file.h"
#include "model/loader.h"
#include "pipeline/dpo_log_probs.h"
#include "pipeline/dpo_tokenization.h"
#include "pipeline/pair_renderer.h"
#include "pipeline/text_builder.h"
#include "report/outputs_file.h"
#include "report/results_file.h"
#include "report/summary_table.h"
#include "stats/stats_items.h"

namespace rb::app {

const OptionTable<DpoOptions>& dpo_options_table() {
  static const OptionTable<DpoOptions> table = [] {
    OptionTable<DpoOptions> t;
    add_scoring_run_options(t);
    add_run_options(t, "v1 preference pairs (.json/.jsonl/.parquet), a folder of prior-set splits, or a Hub dataset",
                    "Output folder (default: results/<model name>, with _ref_free without --ref_model)");
    t.value({"--ref_model,--ref-model", "ref_model",
             "Reference model (folder or org/name on the Hub): reward = summed log-prob ratio (omit for "
             "reference-free)"},
            &DpoOptions::ref_model)
        .value({"--ref_revision,--ref-revision", "ref_revision", "Hub revision of --ref_model"},
               &DpoOptions::ref_revision)
        .value({"--ref_free_type,--ref-free-type", "ref_free_type",
                "Reference-free reward: avg (mean log-prob), sum, or norm (-L2 norm)", {"avg", "sum", "norm"}},
               &DpoOptions::ref_free_type)
        .value({"--max_length,--max-length", "max_length", "DPO max_length (prompt + answer)", {}, false, true},
               &DpoOptions::max_length)
        .value({"--max_prompt_length,--max-prompt-length", "max_prompt_length",
                "Prompt tokens kept (from the end) when prompt + answer is too long", {}, false, true},
               &DpoOptions::max_prompt_length);
    return t;
  }();
  return table;
}

namespace {

// "a/b/", "a/./b" and "a/b" name the same folder.
std::filesystem::path normalized_folder(const std::string& path) {
  std::filesystem::path normal = std::filesystem::path(path).lexically_normal();
  return normal.has_filename() ? normal : normal.parent_path();
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

std::vector<eval::PreferenceRow> load_rows(const DpoOptions& options, const DatasetInput& data) {
  eval::DatasetOptions dataset_options;
  dataset_options.max_rows = options.limit;
  if (data.prior_sets()) return data.prior_set_rows(dataset_options);
  const auto format = eval::detect_row_format(data.rows, {}, data.source);
  if (format == eval::RowFormat::kBestOfN)
    throw InputError(data.source + ": RewardBench 2 rows; DPO scoring supports v1 preference pairs only");
  // The reference CLI raises NotImplementedError for instruction data with a DPO model.
  if (format == eval::RowFormat::kInstructions)
    throw InputError(data.source + ": instruction data (messages) cannot be scored by a DPO model; it needs "
                     "chosen/rejected pairs");
  return eval::parse_preference_rows(data.rows, dataset_options);
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

// One model's answer log-probs through the cache: what run.json records of it.
struct ModelLogProbs {
  std::vector<std::vector<float>> answers;  // per sequence, its answer tokens' log-probs
  std::string architecture;
  nlohmann::ordered_json provenance;
  runtime::StoreStats stats;
};

class DpoRun {
 public:
  DpoRun(const DpoOptions& options, const CausalLmLoader& load)
      : options_(options), load_(load), run_("dpo", options.quiet), setup_(resolve_scoring_setup(options)) {}

  int run();

 private:
  ModelLogProbs log_probs(const ModelArgument& model, const std::string& role,
                          const std::vector<pipeline::DpoSequence>& sequences);
  nlohmann::ordered_json run_config(const std::string& dataset, size_t num_rows, const pipeline::TextBuilder& builder,
                                    const pipeline::DpoSpecialIds& special, const TokenCounts& counts) const;

  const DpoOptions& options_;
  const CausalLmLoader& load_;
  RunContext run_;
  ScoringSetup setup_;
  std::unique_ptr<RunScoreCache> cache_;
  std::string tokenizer_dir_, policy_architecture_;
};

ModelLogProbs DpoRun::log_probs(const ModelArgument& model, const std::string& role,
                                const std::vector<pipeline::DpoSequence>& sequences) {
  auto lm = load_(model.folder, setup_.load);
  const auto& info = lm->info();
  run_.log(role + ": " + info.architecture + " (" + std::to_string(info.num_parameters) + " parameters, " +
           model::dtype_name(setup_.load.dtype) + ", " + options_.device + ")");
  cache::FingerprintSettings settings = fingerprint_settings(setup_, options_, model.folder);
  settings.output = cache::FingerprintSettings::Output::NextTokenLogProbs;
  ModelScoreStore store(*cache_, settings, static_cast<unsigned>(setup_.threads));
  runtime::BatchLimits limits;
  limits.max_sequences_per_batch = static_cast<int64_t>(options_.batch_size);
  limits.max_tokens_per_batch = static_cast<int64_t>(options_.max_tokens_per_batch);
  Progress progress(role + " log-probs", !options_.quiet);
  ModelLogProbs result;
  result.answers = pipeline::answer_log_probs(*lm, sequences, limits, progress.callback(),
                                              store.enabled() ? &store : nullptr, &result.stats);
  progress.finish();
  if (store.enabled())
    run_.log(role + " cache: " + std::to_string(result.stats.hits) + " sequences found, " +
             std::to_string(result.stats.misses) + " computed");
  result.architecture = info.architecture;
  result.provenance = store.provenance();
  return result;
}

nlohmann::ordered_json DpoRun::run_config(const std::string& dataset, size_t num_rows,
                                          const pipeline::TextBuilder& builder, const pipeline::DpoSpecialIds& special,
                                          const TokenCounts& counts) const {
  const bool ref_free = options_.ref_model.empty();
  nlohmann::ordered_json config;
  config["rewardbench_version"] = kVersion;
  config["model"] = options_.model;
  config["ref_model"] = ref_free ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(options_.ref_model);
  config["reward"] = ref_free ? options_.ref_free_type : "ratio";
  config["tokenizer"] = tokenizer_dir_;
  config["dataset"] = dataset;
  config["num_rows"] = num_rows;
  config["architecture"] = policy_architecture_;
  config.update(numerics_json(setup_, options_));
  config["chat_template"] = builder.chat_template_label();
  config["template_date"] = tmpl::describe(builder.clock());
  config["max_length"] = options_.max_length;
  config["max_prompt_length"] = options_.max_prompt_length;
  config["truncation_mode"] = "keep_end";
  config["bos_token_id"] = special.bos;
  config["eos_token_id"] = special.eos;
  config["tokens_per_model"] = counts.tokens;
  config["answer_tokens"] = counts.answer_tokens;
  config["boundary_fixes"] = counts.boundary_fixes;
  config["prompts_truncated"] = counts.prompts_truncated;
  config["answers_truncated"] = counts.answers_truncated;
  return config;
}

int DpoRun::run() {
  validate(options_);
  const bool ref_free = options_.ref_model.empty();
  const auto reward_kind = ref_free ? eval::parse_ref_free_type(options_.ref_free_type) : eval::ImplicitRewardKind::Ratio;
  const DatasetInput data = read_dataset(options_.dataset, options_.quiet);
  const auto rows = load_rows(options_, data);

  const ModelArgument policy = resolve_model(options_.model, {options_.revision, options_.quiet});
  std::optional<ModelArgument> reference;
  if (!ref_free) reference = resolve_model(options_.ref_model, {options_.ref_revision, options_.quiet});
  run_.set_output_dir(!options_.output_dir.empty() ? options_.output_dir
                                                   : "results/" + policy.short_name + (ref_free ? "_ref_free" : ""));

  // run_dpo changes the tokenizer (pad := eos, no BOS -> bos := eos) before rendering any text.
  tokenizer_dir_ = options_.tokenizer.empty() ? policy.folder : options_.tokenizer;
  auto folder = pipeline::load_tokenizer_folder(tokenizer_dir_);
  pipeline::apply_dpo_special_tokens(folder);
  const pipeline::TextBuilder builder(folder, options_.chat_template, run_template_clock(options_.date));
  const auto texts = pipeline::render_pairs(rows, builder);
  std::vector<std::string> origins;
  for (const auto& row : rows) origins.push_back(row.origin);
  const auto sequences = pipeline::tokenize_dpo_rows(folder, texts, origins,
                                                     {options_.max_length, options_.max_prompt_length},
                                                     static_cast<unsigned>(setup_.threads));
  run_.clock().lap("load_render_tokenize");
  run_.log(std::to_string(rows.size()) + " pairs from " + data.source + ", chat template: " +
           builder.chat_template_label() + ", reward: " + eval::implicit_reward_name(reward_kind));

  cache_ = std::make_unique<RunScoreCache>(options_, [this](const std::string& line) { run_.log(line); });
  const ModelLogProbs policy_log_probs = log_probs(policy, "policy", sequences);
  policy_architecture_ = policy_log_probs.architecture;
  run_.clock().lap("policy_log_probs");
  ModelLogProbs reference_log_probs;
  if (reference) {
    reference_log_probs = log_probs(*reference, "reference", sequences);
    run_.clock().lap("reference_log_probs");
  }

  std::vector<eval::ScoredExample> examples;
  examples.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    auto reward = [&](size_t k) {
      return static_cast<double>(eval::implicit_reward(reward_kind, policy_log_probs.answers[k],
                                                       ref_free ? nullptr : &reference_log_probs.answers[k]));
    };
    examples.push_back(eval::make_scored_example(rows[i], texts[i], std::vector<double>{reward(2 * i)},
                                                 std::vector<double>{reward(2 * i + 1)}));
  }
  const NonFiniteScores non_finite = find_non_finite(
      2 * examples.size(),
      [&](size_t k) {
        const auto& example = examples[k / 2];
        return std::isfinite(k % 2 == 0 ? example.scores_chosen[0] : example.scores_rejected[0]);
      },
      [&](size_t k) { return std::make_pair(rows[k / 2].origin, rows[k / 2].subset); });
  stop_or_accept_non_finite(non_finite, 2 * examples.size(), options_.allow_nan, run_);
  const auto summary = eval::summarize(examples);

  report::ResultsMetadata metadata;
  metadata.model = options_.label.empty() ? options_.model : options_.label;
  metadata.model_type = ref_free ? "DPO Ref. Free" : "DPO";
  // run_dpo.py writes "tokenizer" whenever the tokenizer object has a chat_template attribute,
  // which is always; run.json records the template actually used.
  metadata.chat_template = "tokenizer";
  auto results = report::build_results_json(summary, metadata);
  results["ref_model"] = ref_free ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(options_.ref_model);
  report::write_outputs_jsonl(run_.output_path("outputs.jsonl"), examples);
  io::write_file_atomically(run_.output_path("results.json"), report::format_results_json(results));
  const auto intervals = intervals_of(write_run_stats(
      run_, options_,
      {metadata.model, stats::Benchmark::kV1, stats::pair_items(rows, examples, stats::AnswerLength{}), "characters",
       static_cast<unsigned>(std::max(options_.threads, 0))}));

  report::RunRecord record;
  record.config = run_config(data.source, rows.size(), builder, pipeline::dpo_special_ids(folder), count_tokens(sequences));
  record.config["non_finite_texts"] = non_finite.texts;
  record.provenance = policy_log_probs.provenance;
  if (reference && !reference_log_probs.provenance.is_null()) {
    record.provenance["ref_model_fingerprint"] = reference_log_probs.provenance["model_fingerprint"];
    record.provenance["ref_fingerprint_of"] = reference_log_probs.provenance["fingerprint_of"];
  }
  const runtime::StoreStats& p = policy_log_probs.stats;
  const runtime::StoreStats& r = reference_log_probs.stats;
  record.cache = cache_->report(p.hits + r.hits, p.misses + r.misses);
  record.cache["policy"] = {{"hits", p.hits}, {"misses", p.misses}};
  if (reference) record.cache["reference"] = {{"hits", r.hits}, {"misses", r.misses}};
  auto recorded = dpo_options_table().to_json(options_);
  if (!options_.reference_settings.is_null()) recorded["reference_settings"] = options_.reference_settings;
  run_.write_run_json(std::move(record), options_.command_line, std::move(recorded));

  std::cout << "model: " << metadata.model << (ref_free ? "" : " (reference: " + options_.ref_model + ")") << "\n";
  report::print_summary(std::cout, summary, &intervals);
  std::cout << "results written to " << run_.output_dir() << "/ (results.json, outputs.jsonl, stats.json, run.json)\n";
  return 0;
}

}  // namespace

int run_dpo_with_loader(const DpoOptions& given, const CausalLmLoader& load_causal_lm) {
  DpoOptions options = given;
  options.reference_settings = apply_reference_settings(options, &options.ref_model);
  return DpoRun(options, load_causal_lm).run();
}

int run_dpo(const DpoOptions& options) { return run_dpo_with_loader(options, model::load_causal_lm); }

}  // namespace rb::app

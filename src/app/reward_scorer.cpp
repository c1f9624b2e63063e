#include "app/reward_scorer.h"

#include "app/progress.h"
#include "common/version.h"
#include "model/loader.h"

namespace rb::app {

RewardScorer::RewardScorer(const ScoringRunOptions& options, std::string model_folder, RunContext& run)
    : options_(options),
      run_(run),
      setup_(resolve_scoring_setup(options)),
      model_folder_(std::move(model_folder)),
      tokenizer_dir_(options.tokenizer.empty() ? model_folder_ : options.tokenizer),
      folder_(pipeline::load_tokenizer_folder(tokenizer_dir_)),
      text_builder_(folder_, options.chat_template, run_template_clock(options.date)) {}

RewardScorer::~RewardScorer() = default;

void RewardScorer::load_model() {
  model_ = model::load_reward_model(model_folder_, setup_.load);
  const auto& info = model_->info();
  run_.log(info.architecture + " (" + std::to_string(info.num_parameters) + " parameters, " +
           model::dtype_name(setup_.load.dtype) + ", " + options_.device + ")");
  pad_id_ = pipeline::pooling_pad_token_id(folder_, info.pad_token_id);
  sequence_options_.max_length = options_.max_length;
  // run_rm sets tokenizer.add_eos_token = True on the FastChat path.
  sequence_options_.append_eos = !text_builder_.uses_tokenizer_template() && pipeline::honours_add_eos_token(folder_);
  sequence_options_.num_threads = static_cast<unsigned>(setup_.threads);
  sequence_options_.pooling = info.pooling;
  sequence_options_.masks_doubled_bos = info.masks_doubled_bos;
  sequence_builder_.emplace(folder_, pad_id_, sequence_options_);
  run_.clock().lap("load_model");

  fingerprint_settings_ = fingerprint_settings(setup_, options_, model_folder_);
  fingerprint_settings_.tokenizer_dir = tokenizer_dir_;
  fingerprint_settings_.max_length = sequence_options_.max_length;
  fingerprint_settings_.append_eos = sequence_options_.append_eos;
  fingerprint_settings_.pooling_pad_token_id = pad_id_;
  fingerprint_settings_.chat_template_label = text_builder_.chat_template_label();
  if (text_builder_.uses_tokenizer_template() && folder_.chat_template)
    fingerprint_settings_.chat_template_text = *folder_.chat_template;
  cache_ = std::make_unique<RunScoreCache>(options_, [this](const std::string& line) { run_.log(line); });
  store_ = std::make_unique<ModelScoreStore>(*cache_, fingerprint_settings_, static_cast<unsigned>(setup_.threads));
  if (!store_->fingerprint().empty())
    run_.log("model fingerprint " + store_->fingerprint().substr(0, 16) + "; score cache " + cache_->status());
  run_.clock().lap("fingerprint_model");
}

std::vector<std::vector<float>> RewardScorer::score(const std::vector<std::string>& texts,
                                                    std::vector<std::vector<size_t>> padding_groups) {
  pipeline::ScoringOptions scoring;
  scoring.padding_groups = std::move(padding_groups);
  scoring.max_sequences_per_batch = options_.batch_size;
  scoring.max_tokens_per_batch = options_.max_tokens_per_batch;
  Progress progress("scoring", !options_.quiet);
  runtime::ScoreStore* store = store_->enabled() ? store_.get() : nullptr;
  auto scores = pipeline::score_texts(*model_, *sequence_builder_, texts, scoring, progress.callback(), &stats_, store);
  progress.finish();
  if (store)
    run_.log("score cache: " + std::to_string(stats_.store_hits) + " sequences found, " +
             std::to_string(stats_.store_misses) + " scored");
  run_.clock().lap("tokenize_and_score");
  return scores;
}

report::RunRecord RewardScorer::run_record(const std::string& dataset, size_t num_rows) const {
  const auto& info = model_->info();
  report::RunRecord record;
  nlohmann::ordered_json& config = record.config;
  config["rewardbench_version"] = kVersion;
  config["model"] = options_.model;
  config["tokenizer"] = tokenizer_dir_;
  config["dataset"] = dataset;
  config["num_rows"] = num_rows;
  config["architecture"] = info.architecture;
  config["num_labels"] = info.num_labels;
  config["num_parameters"] = info.num_parameters;
  config.update(numerics_json(setup_, options_));
  config["chat_template"] = text_builder_.chat_template_label();
  config["template_date"] = tmpl::describe(text_builder_.clock());
  config["max_length"] = options_.max_length;
  config["truncation_side"] = "left";
  config["pooling"] = model::pooling_rule_description(info.pooling);
  config["pooling_pad_token_id"] = pad_id_ ? nlohmann::ordered_json(*pad_id_) : nlohmann::ordered_json();
  config["append_eos"] = sequence_options_.append_eos;
  config["distinct_texts_scored"] = stats_.distinct_texts;
  config["tokens_scored"] = stats_.tokens;
  config["texts_at_max_length"] = stats_.texts_at_max_length;
  record.provenance = store_->provenance();
  record.cache = cache_->report(stats_.store_hits, stats_.store_misses);
  return record;
}

}  // namespace rb::app

#include "cli/scoring_session.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <thread>

#include "cli/progress.h"

namespace rb::cli {
namespace fs = std::filesystem;

namespace {

model::DType resolve_dtype(const EvalOptions& options) {
  if (options.dtype == "auto") return options.device == "cpu" ? model::DType::Float32 : model::DType::BFloat16;
  return model::parse_dtype(options.dtype);
}

std::string default_output_dir(const std::string& model_dir) {
  std::string name = fs::path(model_dir).lexically_normal().filename().string();
  if (name.empty() || name == ".") name = fs::path(model_dir).lexically_normal().parent_path().filename().string();
  return (fs::path("results") / (name.empty() ? "model" : name)).string();
}

// libtorch may see fewer cores than the machine has (one, here): always say how many to use.
int resolve_threads(int requested) {
  return requested > 0 ? requested : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace

void StageClock::lap(const std::string& stage) {
  const auto now = std::chrono::steady_clock::now();
  timings_.push_back({stage, std::chrono::duration<double>(now - last_).count()});
  last_ = now;
}

ScoringSession::ScoringSession(const EvalOptions& options)
    : options_(options),
      threads_(resolve_threads(options.threads)),
      tokenizer_dir_(options.tokenizer.empty() ? options.model : options.tokenizer),
      output_dir_(options.output_dir.empty() ? default_output_dir(options.model) : options.output_dir),
      dtype_(resolve_dtype(options)),
      folder_(pipeline::load_tokenizer_folder(tokenizer_dir_)),
      text_builder_(folder_, options.chat_template) {
  model::set_num_threads(threads_);
}

void ScoringSession::log(const std::string& line) const {
  if (!options_.quiet) std::cerr << "rewardbench: " << line << "\n";
}

void ScoringSession::load_model() {
  model_ = model::load_reward_model(options_.model, {dtype_, options_.device});
  const auto& info = model_->info();
  log(info.architecture + " (" + std::to_string(info.num_parameters) + " parameters, " + model::dtype_name(dtype_) +
      ", " + options_.device + ")");
  pad_id_ = pipeline::pooling_pad_token_id(folder_, info.pad_token_id);
  sequence_options_.max_length = options_.max_length;
  // run_rm sets tokenizer.add_eos_token = True on the FastChat path.
  sequence_options_.append_eos = !text_builder_.uses_tokenizer_template() && pipeline::honours_add_eos_token(folder_);
  sequence_options_.num_threads = static_cast<unsigned>(threads_);
  sequence_builder_.emplace(folder_, pad_id_, sequence_options_);
  clock_.lap("load_model");
}

std::vector<std::vector<float>> ScoringSession::score(const std::vector<std::string>& texts) {
  pipeline::ScoringOptions scoring;
  scoring.max_sequences_per_batch = options_.batch_size;
  scoring.max_tokens_per_batch = options_.max_tokens_per_batch;
  Progress progress("scoring", !options_.quiet);
  auto scores = pipeline::score_texts(
      *model_, *sequence_builder_, texts, scoring, [&](size_t done, size_t total) { progress.update(done, total); },
      &stats_);
  progress.finish();
  clock_.lap("tokenize_and_score");
  return scores;
}

std::string ScoringSession::results_model_name() const { return options_.label.empty() ? options_.model : options_.label; }

nlohmann::ordered_json ScoringSession::run_config(size_t num_rows) const {
  const auto& info = model_->info();
  nlohmann::ordered_json config;
  config["rewardbench_version"] = "0.1.0";
  config["command_line"] = options_.command_line;
  config["model"] = options_.model;
  config["tokenizer"] = tokenizer_dir_;
  config["dataset"] = options_.dataset;
  config["num_rows"] = num_rows;
  config["output_dir"] = output_dir_;
  config["architecture"] = info.architecture;
  config["num_labels"] = info.num_labels;
  config["num_parameters"] = info.num_parameters;
  config["dtype"] = model::dtype_name(dtype_);
  config["device"] = options_.device;
  config["chat_template"] = text_builder_.chat_template_label();
  config["max_length"] = options_.max_length;
  config["truncation_side"] = "left";
  config["pooling"] = "rightmost token whose id != pad_token_id";
  config["pooling_pad_token_id"] = pad_id_ ? nlohmann::ordered_json(*pad_id_) : nlohmann::ordered_json();
  config["append_eos"] = sequence_options_.append_eos;
  config["batch_size"] = options_.batch_size;
  config["max_tokens_per_batch"] = options_.max_tokens_per_batch;
  config["threads"] = threads_;
  config["distinct_texts_scored"] = stats_.distinct_texts;
  config["tokens_scored"] = stats_.tokens;
  config["texts_at_max_length"] = stats_.texts_at_max_length;
  return config;
}

}  // namespace rb::cli

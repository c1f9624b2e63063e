#include "cli/eval_command.h"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>
#include <algorithm>

#include "cli/progress.h"
#include "common/error.h"
#include "eval/dataset.h"
#include "eval/metrics.h"
#include "model/reward_model.h"
#include "pipeline/pair_renderer.h"
#include "pipeline/sequence_builder.h"
#include "pipeline/text_builder.h"
#include "pipeline/text_scorer.h"
#include "pipeline/tokenizer_folder.h"
#include "report/outputs_file.h"
#include "report/results_file.h"
#include "report/run_file.h"
#include "report/summary_table.h"

namespace rb::cli {
namespace fs = std::filesystem;

namespace {

class StageClock {
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

model::DType resolve_dtype(const EvalOptions& options) {
  if (options.dtype == "auto") return options.device == "cpu" ? model::DType::Float32 : model::DType::BFloat16;
  return model::parse_dtype(options.dtype);
}

std::string default_output_dir(const std::string& model_dir) {
  std::string name = fs::path(model_dir).lexically_normal().filename().string();
  if (name.empty() || name == ".") name = fs::path(model_dir).lexically_normal().parent_path().filename().string();
  return (fs::path("results") / (name.empty() ? "model" : name)).string();
}

nlohmann::ordered_json run_config(const EvalOptions& options, const std::string& tokenizer_dir,
                                  const std::string& output_dir, model::DType dtype,
                                  const model::ModelInfo& info, const pipeline::TextBuilder& text_builder,
                                  std::optional<int64_t> pad_id, bool append_eos, size_t num_rows) {
  nlohmann::ordered_json config;
  config["rewardbench_version"] = "0.1.0";
  config["command_line"] = options.command_line;
  config["model"] = options.model;
  config["tokenizer"] = tokenizer_dir;
  config["dataset"] = options.dataset;
  config["num_pairs"] = num_rows;
  config["output_dir"] = output_dir;
  config["architecture"] = info.architecture;
  config["num_labels"] = info.num_labels;
  config["num_parameters"] = info.num_parameters;
  config["dtype"] = model::dtype_name(dtype);
  config["device"] = options.device;
  config["chat_template"] = text_builder.chat_template_label();
  config["max_length"] = options.max_length;
  config["truncation_side"] = "left";
  config["pooling"] = "rightmost token whose id != pad_token_id";
  config["pooling_pad_token_id"] = pad_id ? nlohmann::ordered_json(*pad_id) : nlohmann::ordered_json();
  config["append_eos"] = append_eos;
  config["batch_size"] = options.batch_size;
  config["max_tokens_per_batch"] = options.max_tokens_per_batch;
  config["threads"] = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  return config;
}

}  // namespace

int run_eval(const EvalOptions& options) {
  StageClock clock;
  // libtorch may see fewer cores than the machine has (one, here): always say how many to use.
  const int threads = options.threads > 0 ? options.threads
                                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  model::set_num_threads(threads);
  const std::string tokenizer_dir = options.tokenizer.empty() ? options.model : options.tokenizer;
  const std::string output_dir = options.output_dir.empty() ? default_output_dir(options.model) : options.output_dir;
  const model::DType dtype = resolve_dtype(options);

  eval::DatasetOptions dataset_options;
  dataset_options.max_rows = options.limit;
  const auto rows = eval::load_preference_rows(options.dataset, dataset_options);
  const auto folder = pipeline::load_tokenizer_folder(tokenizer_dir);
  const pipeline::TextBuilder text_builder(folder, options.chat_template);
  const auto texts = pipeline::render_pairs(rows, text_builder);
  clock.lap("load_and_render");
  if (!options.quiet)
    std::cerr << "rewardbench: " << rows.size() << " pairs from " << options.dataset << ", chat template: "
              << text_builder.chat_template_label() << "\n";

  auto model = model::load_reward_model(options.model, {dtype, options.device});
  const auto& info = model->info();
  clock.lap("load_model");
  if (!options.quiet)
    std::cerr << "rewardbench: " << info.architecture << " (" << info.num_parameters << " parameters, "
              << model::dtype_name(dtype) << ", " << options.device << ")\n";

  const auto pad_id = pipeline::pooling_pad_token_id(folder, info.pad_token_id);
  pipeline::SequenceOptions sequence_options;
  sequence_options.max_length = options.max_length;
  sequence_options.append_eos = !text_builder.uses_tokenizer_template() && pipeline::honours_add_eos_token(folder);
  sequence_options.num_threads = static_cast<unsigned>(threads);
  const pipeline::SequenceBuilder sequence_builder(folder, pad_id, sequence_options);

  std::vector<std::string> all_texts;
  all_texts.reserve(2 * texts.size());
  for (const auto& t : texts) {
    all_texts.push_back(t.chosen);
    all_texts.push_back(t.rejected);
  }
  pipeline::ScoringOptions scoring;
  scoring.max_sequences_per_batch = options.batch_size;
  scoring.max_tokens_per_batch = options.max_tokens_per_batch;
  Progress progress("scoring", !options.quiet);
  pipeline::ScoringStats stats;
  const auto scores = pipeline::score_texts(
      *model, sequence_builder, all_texts, scoring, [&](size_t done, size_t total) { progress.update(done, total); },
      &stats);
  progress.finish();
  clock.lap("tokenize_and_score");

  std::vector<eval::ScoredExample> examples;
  examples.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i)
    examples.push_back(eval::make_scored_example(rows[i], texts[i], scores[2 * i], scores[2 * i + 1]));
  const auto summary = eval::summarize(examples);

  report::ResultsMetadata metadata;
  metadata.model = options.label.empty() ? options.model : options.label;
  metadata.chat_template = text_builder.chat_template_label();
  fs::create_directories(output_dir);
  report::write_outputs_jsonl((fs::path(output_dir) / "outputs.jsonl").string(), examples);
  auto config = run_config(options, tokenizer_dir, output_dir, dtype, info, text_builder, pad_id,
                           sequence_options.append_eos, rows.size());
  config["distinct_texts_scored"] = stats.distinct_texts;
  config["tokens_scored"] = stats.tokens;
  config["texts_at_max_length"] = stats.texts_at_max_length;
  clock.lap("write_outputs");
  report::write_run_json((fs::path(output_dir) / "run.json").string(), config, clock.timings());
  report::write_results_json((fs::path(output_dir) / "results.json").string(), summary, metadata);

  std::cout << "model: " << metadata.model << "\n";
  report::print_summary(std::cout, summary);
  std::cout << "results written to " << output_dir << "/ (results.json, outputs.jsonl, run.json)\n";
  return 0;
}

}  // namespace rb::cli

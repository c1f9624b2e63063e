#include "cli/scoring_session.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <thread>

#include "cli/progress.h"
#include "common/error.h"
#ifdef RB_WITH_CACHE
#include "cache/build_info.h"
#include "cache/cache_location.h"
#include "cache/file_digest.h"
#include "cache/model_fingerprint.h"
#include "cache/score_cache.h"
#include "cache/sequence_key.h"
#endif

namespace rb::cli {
namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

#ifdef RB_WITH_CACHE
// The score cache as the text scorer sees it, plus this model's fingerprint. Without a cache
// (--no-cache, or no usable cache folder) it still fingerprints the model for run.json.
class ScoreCacheSession final : public pipeline::ScoreStore {
 public:
  ScoreCacheSession(std::unique_ptr<cache::ScoreCache> cache, std::string status,
                    const cache::FingerprintSettings& settings, unsigned threads)
      : cache_(std::move(cache)), status_(std::move(status)),
        fingerprint_(cache::fingerprint_model(settings, cache_.get(), threads)) {
    if (cache_) cache_->describe_fingerprint(fingerprint_.digest, fingerprint_.description.dump());
  }

  bool enabled() const { return cache_ != nullptr; }
  const std::string& fingerprint() const { return fingerprint_.digest; }

  std::vector<std::optional<std::vector<float>>> find(const std::vector<runtime::ScoringSequence>& sequences) override {
    std::vector<cache::Digest> keys;
    keys.reserve(sequences.size());
    for (const auto& sequence : sequences) keys.push_back(key_of(sequence));
    return cache_->find(fingerprint_.digest, keys);
  }

  void store(const std::vector<const runtime::ScoringSequence*>& sequences,
             const std::vector<std::vector<float>>& scores) override {
    std::vector<cache::StoredScores> rows;
    rows.reserve(sequences.size());
    for (size_t i = 0; i < sequences.size(); ++i) rows.push_back({key_of(*sequences[i]), scores[i]});
    cache_->put(fingerprint_.digest, rows);
  }

  Json provenance() const {
    Json provenance = cache::build_provenance();
    provenance["model_fingerprint"] = fingerprint_.digest;
    provenance["fingerprint_of"] = fingerprint_.description;
    return provenance;
  }

  Json report(const pipeline::ScoringStats& stats) const {
    Json json;
    json["enabled"] = enabled();
    json["status"] = status_;
    if (cache_) json["file"] = cache_->path();
    json["hits"] = stats.store_hits;
    json["misses"] = stats.store_misses;
    return json;
  }

  static Json describe_file(const std::string& path) {
    return Json{{"size", fs::file_size(path)}, {"sha256", cache::file_sha256(path)}};
  }

 private:
  cache::Digest key_of(const runtime::ScoringSequence& sequence) const {
    return cache::sequence_key(fingerprint_.digest, sequence.token_ids, sequence.pool_index, sequence.position_start);
  }

  std::unique_ptr<cache::ScoreCache> cache_;
  std::string status_;
  cache::ModelFingerprint fingerprint_;
};
#else
// Built without SQLite (no cache layer): scores are never stored, run.json has no fingerprint.
class ScoreCacheSession {
 public:
  static Json describe_file(const std::string& path) { return Json{{"size", fs::file_size(path)}}; }
};
#endif

namespace {

bool is_cuda_device(const std::string& device) { return device.rfind("cuda", 0) == 0; }

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

#ifdef RB_WITH_CACHE
// Opens the cache the options ask for. An explicit --cache-dir that cannot be used is an error;
// the default folder is a convenience, so trouble there only costs the cache (with a warning).
std::unique_ptr<cache::ScoreCache> open_score_cache(const EvalOptions& options, std::string& status,
                                                    const std::function<void(const std::string&)>& log) {
  if (options.no_cache) {
    status = "disabled by --no-cache";
    return nullptr;
  }
  std::optional<std::string> dir =
      options.cache_dir.empty() ? cache::default_cache_dir(cache::process_environment()) : options.cache_dir;
  if (!dir) {
    status = "disabled: neither XDG_CACHE_HOME nor HOME is set (use --cache-dir)";
    log("score cache " + status);
    return nullptr;
  }
  const std::string file = cache::score_cache_file(*dir);
  try {
    auto opened = std::make_unique<cache::ScoreCache>(file, [&](const std::string& warning) { log("warning: " + warning); });
    status = "used";
    return opened;
  } catch (const IoError& e) {
    if (!options.cache_dir.empty()) throw;
    status = std::string("disabled: ") + e.what();
    log("warning: score cache " + status);
    return nullptr;
  }
}
#endif

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

ScoringSession::~ScoringSession() = default;

void ScoringSession::log(const std::string& line) const {
  if (!options_.quiet) std::cerr << "rewardbench: " << line << "\n";
}

void ScoringSession::load_model() {
  model::LoadOptions load_options{dtype_, options_.device};
  load_options.attn_implementation = model::parse_attn_implementation(options_.attn_implementation);
  model_ = model::load_reward_model(options_.model, load_options);
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
  open_cache();
}

void ScoringSession::open_cache() {
#ifdef RB_WITH_CACHE
  cache::FingerprintSettings settings;
  settings.model_dir = options_.model;
  settings.tokenizer_dir = tokenizer_dir_;
  settings.dtype = model::dtype_name(dtype_);
  settings.device_kind = is_cuda_device(options_.device) ? "cuda" : "cpu";
  settings.attn_implementation = options_.attn_implementation;
  // The decoder's fixed-shape tiling (batch invariance) exists on CPU only.
  settings.batch_invariant = settings.device_kind == "cpu";
  settings.max_sequences_per_batch = options_.batch_size;
  settings.max_tokens_per_batch = options_.max_tokens_per_batch;
  settings.max_length = sequence_options_.max_length;
  settings.append_eos = sequence_options_.append_eos;
  settings.pooling_pad_token_id = pad_id_;
  settings.chat_template_label = text_builder_.chat_template_label();
  if (text_builder_.uses_tokenizer_template() && folder_.chat_template) settings.chat_template_text = *folder_.chat_template;
  settings.program_version = cache::program_version();
  std::string status;
  auto opened = open_score_cache(options_, status, [this](const std::string& line) { log(line); });
  cache_ = std::make_unique<ScoreCacheSession>(std::move(opened), status, settings, static_cast<unsigned>(threads_));
  log("model fingerprint " + cache_->fingerprint().substr(0, 16) + "; score cache " + status);
  clock_.lap("fingerprint_model");
#endif
}

std::vector<std::vector<float>> ScoringSession::score(const std::vector<std::string>& texts,
                                                      std::vector<std::vector<size_t>> padding_groups) {
  pipeline::ScoringOptions scoring;
  scoring.padding_groups = std::move(padding_groups);
  scoring.max_sequences_per_batch = options_.batch_size;
  scoring.max_tokens_per_batch = options_.max_tokens_per_batch;
  Progress progress("scoring", !options_.quiet);
  pipeline::ScoreStore* store = nullptr;
#ifdef RB_WITH_CACHE
  if (cache_ && cache_->enabled()) store = cache_.get();
#endif
  auto scores = pipeline::score_texts(
      *model_, *sequence_builder_, texts, scoring, [&](size_t done, size_t total) { progress.update(done, total); },
      &stats_, store);
  progress.finish();
  if (store)
    log("score cache: " + std::to_string(stats_.store_hits) + " sequences found, " +
        std::to_string(stats_.store_misses) + " scored");
  clock_.lap("tokenize_and_score");
  return scores;
}

std::string ScoringSession::results_model_name() const { return options_.label.empty() ? options_.model : options_.label; }

nlohmann::ordered_json ScoringSession::run_config(size_t num_rows) const {
  const auto& info = model_->info();
  nlohmann::ordered_json config;
  config["rewardbench_version"] = "0.1.0";
  config["model"] = options_.model;
  config["tokenizer"] = tokenizer_dir_;
  config["dataset"] = options_.dataset;
  config["num_rows"] = num_rows;
  config["architecture"] = info.architecture;
  config["num_labels"] = info.num_labels;
  config["num_parameters"] = info.num_parameters;
  config["dtype"] = model::dtype_name(dtype_);
  config["device"] = options_.device;
  if (is_cuda_device(options_.device)) config["attn_implementation"] = options_.attn_implementation;
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

namespace {

// Every eval option after defaults, as the program understood them.
Json options_json(const EvalOptions& o) {
  Json json;
  json["model"] = o.model;
  json["tokenizer"] = o.tokenizer;
  json["dataset"] = o.dataset;
  json["benchmark"] = o.benchmark;
  json["chat_template"] = o.chat_template;
  json["output_dir"] = o.output_dir;
  json["dtype"] = o.dtype;
  json["device"] = o.device;
  json["attn_implementation"] = o.attn_implementation;
  json["batch_size"] = o.batch_size;
  json["max_tokens_per_batch"] = o.max_tokens_per_batch;
  json["max_length"] = o.max_length;
  json["threads"] = o.threads;
  json["limit"] = o.limit ? Json(*o.limit) : Json();
  json["prioritize_scoring"] = o.prioritize_scoring;
  json["quiet"] = o.quiet;
  json["name"] = o.label;
  json["cache_dir"] = o.cache_dir;
  json["no_cache"] = o.no_cache;
  return json;
}

}  // namespace

void ScoringSession::write_run_json(size_t num_rows, const std::vector<std::string>& output_files) {
  report::RunRecord record;
  record.config = run_config(num_rows);
#ifdef RB_WITH_CACHE
  if (cache_) {
    record.provenance = cache_->provenance();
    record.cache = cache_->report(stats_);
  }
#endif
  record.outputs = Json::object();
  for (const auto& name : output_files)
    record.outputs[name] = ScoreCacheSession::describe_file((fs::path(output_dir_) / name).string());
  record.invocation["command_line"] = options_.command_line;
  record.invocation["output_dir"] = output_dir_;
  record.invocation["options"] = options_json(options_);
  record.timings = clock_.timings();
  report::write_run_json((fs::path(output_dir_) / "run.json").string(), record);
}

}  // namespace rb::cli

#include "app/scoring_setup.h"

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "app/thread_count.h"
#include "model/loader.h"
#ifdef RB_WITH_CACHE
#include "cache/build_info.h"
#endif

namespace rb::app {

tmpl::TemplateClock run_template_clock(const std::string& date_flag) {
  return tmpl::resolve_template_clock(date_flag, std::getenv("SOURCE_DATE_EPOCH"));
}

ScoringSetup resolve_scoring_setup(const ScoringRunOptions& options) {
  ScoringSetup setup;
  // libtorch may see fewer cores than the machine has (one, here): always say how many to use.
  setup.threads = resolve_thread_count(options.threads, std::thread::hardware_concurrency());
  model::set_num_threads(setup.threads);
  setup.on_cuda = options.device.rfind("cuda", 0) == 0;
  setup.load.device = options.device;
  setup.load.dtype = options.dtype == "auto" ? (options.device == "cpu" ? model::DType::Float32 : model::DType::BFloat16)
                                             : model::parse_dtype(options.dtype);
  setup.load.attn_implementation = model::parse_attn_implementation(options.attn_implementation);
  return setup;
}

nlohmann::ordered_json numerics_json(const ScoringSetup& setup, const ScoringRunOptions& options) {
  nlohmann::ordered_json json;
  json["dtype"] = model::dtype_name(setup.load.dtype);
  json["device"] = options.device;
  if (setup.on_cuda) json["attn_implementation"] = options.attn_implementation;
  json["batch_size"] = options.batch_size;
  json["max_tokens_per_batch"] = options.max_tokens_per_batch;
  json["threads"] = setup.threads;
  return json;
}

cache::FingerprintSettings fingerprint_settings(const ScoringSetup& setup, const ScoringRunOptions& options,
                                                const std::string& model_dir) {
  cache::FingerprintSettings settings;
  settings.model_dir = model_dir;
  settings.dtype = model::dtype_name(setup.load.dtype);
  settings.device_kind = setup.on_cuda ? "cuda" : "cpu";
  settings.attn_implementation = options.attn_implementation;
  // The decoder's fixed-shape tiling (batch invariance) exists on CPU only.
  settings.batch_invariant = !setup.on_cuda;
  settings.max_sequences_per_batch = options.batch_size;
  settings.max_tokens_per_batch = options.max_tokens_per_batch;
#ifdef RB_WITH_CACHE
  settings.program_version = cache::program_version();
#endif
  return settings;
}

}  // namespace rb::app

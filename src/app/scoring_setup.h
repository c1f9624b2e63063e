#pragma once
// How a model-scoring run (eval, dpo) turns its options into numerics, the same way for every
// command: threads, compute dtype, device, attention; the settings that decide a score (for the
// cache fingerprint) and what run.json records of them.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "app/run_options.h"
#include "cache/model_fingerprint.h"
#include "model/reward_model.h"
#include "template/template_clock.h"

namespace rb::app {

struct ScoringSetup {
  int threads = 1;                 // --threads, 0: every core (libtorch is told; it may see only one)
  model::LoadOptions load;         // dtype (auto: float32 on CPU, bfloat16 on CUDA), device, attention
  bool on_cuda = false;
};

// Also sets libtorch's thread count. Throws rb::InputError for an unknown dtype or attention.
ScoringSetup resolve_scoring_setup(const ScoringRunOptions& options);

// The clock chat templates render with: --date, else the environment's SOURCE_DATE_EPOCH, else now.
tmpl::TemplateClock run_template_clock(const std::string& date_flag);

// run.json's config entries for the numerics and batching: dtype, device, attn_implementation
// (CUDA only), batch_size, max_tokens_per_batch, threads.
nlohmann::ordered_json numerics_json(const ScoringSetup& setup, const ScoringRunOptions& options);

// The numerics part of a model's fingerprint (device kind, dtype, attention, batch invariance and,
// where scores depend on batching, the batch limits), the program version and the model folder;
// the caller adds what else decides its outputs (tokenizer, sequence rules, template).
cache::FingerprintSettings fingerprint_settings(const ScoringSetup& setup, const ScoringRunOptions& options,
                                                const std::string& model_dir);

}  // namespace rb::app

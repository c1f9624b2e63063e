#pragma once
// The on-disk score cache as a run uses it: opened once as the options ask (--cache-dir,
// --no-cache), then one fingerprinted store per model the run computes with (eval: the reward
// model; dpo: the policy and the reference model), each a runtime::ScoreStore keyed by the
// model's fingerprint and the exact model input. Built without SQLite (no cache layer), nothing is
// stored and run.json carries no fingerprint.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/run_options.h"
#include "cache/model_fingerprint.h"
#include "runtime/scorer.h"

namespace rb::cache {
class ScoreCache;
}

namespace rb::app {

class RunScoreCache {
 public:
  // An explicit --cache-dir that cannot be used is an error; the default folder is a convenience,
  // so trouble there only costs the cache (with a warning through `log`).
  RunScoreCache(const ScoringRunOptions& options, const std::function<void(const std::string&)>& log);

  bool enabled() const { return cache_ != nullptr; }
  const std::string& status() const { return status_; }
  cache::ScoreCache* cache() const { return cache_.get(); }
  // run.json's "cache" section: whether and where it was used, sequences found and computed.
  nlohmann::ordered_json report(size_t hits, size_t misses) const;

 private:
  std::shared_ptr<cache::ScoreCache> cache_;  // shared_ptr: no deleter where the cache layer is not built
  std::string status_;                        // "used", "disabled by --no-cache", ...
};

// One model's outputs in the cache.
class ModelScoreStore final : public runtime::ScoreStore {
 public:
  // Fingerprints the model (hashing files the cache has not seen, on up to `threads` threads).
  ModelScoreStore(const RunScoreCache& cache, const cache::FingerprintSettings& settings, unsigned threads);

  bool enabled() const { return cache_ != nullptr; }
  const std::string& fingerprint() const { return fingerprint_; }

  std::vector<std::optional<std::vector<float>>> find(const std::vector<runtime::ScoringSequence>& sequences) override;
  void store(const std::vector<const runtime::ScoringSequence*>& sequences,
             const std::vector<std::vector<float>>& scores) override;

  // run.json: the build and this fingerprint with what it covers; null without a cache layer.
  nlohmann::ordered_json provenance() const;

 private:
  cache::ScoreCache* cache_;
  std::string fingerprint_;
  nlohmann::ordered_json description_;
};

}  // namespace rb::app

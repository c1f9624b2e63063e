#include "app/score_cache.h"

#include "common/error.h"
#ifdef RB_WITH_CACHE
#include "cache/build_info.h"
#include "cache/cache_location.h"
#include "cache/score_cache.h"
#include "cache/sequence_key.h"
#endif

namespace rb::app {

#ifdef RB_WITH_CACHE

RunScoreCache::RunScoreCache(const ScoringRunOptions& options, const std::function<void(const std::string&)>& log) {
  if (options.no_cache) {
    status_ = "disabled by --no-cache";
    return;
  }
  const std::optional<std::string> dir =
      options.cache_dir.empty() ? cache::default_cache_dir(cache::process_environment()) : options.cache_dir;
  if (!dir) {
    status_ = "disabled: neither XDG_CACHE_HOME nor HOME is set (use --cache-dir)";
    log("score cache " + status_);
    return;
  }
  try {
    cache_ = std::make_shared<cache::ScoreCache>(cache::score_cache_file(*dir),
                                                 [&](const std::string& warning) { log("warning: " + warning); });
    status_ = "used";
  } catch (const IoError& e) {
    if (!options.cache_dir.empty()) throw;
    status_ = std::string("disabled: ") + e.what();
    log("warning: score cache " + status_);
  }
}

ModelScoreStore::ModelScoreStore(const RunScoreCache& cache, const cache::FingerprintSettings& settings,
                                 unsigned threads)
    : cache_(cache.cache()) {
  const cache::ModelFingerprint fingerprint = cache::fingerprint_model(settings, cache_, threads);
  fingerprint_ = fingerprint.digest;
  description_ = fingerprint.description;
  if (cache_) cache_->describe_fingerprint(fingerprint_, description_.dump());
}

namespace {

cache::Digest key_of(const std::string& fingerprint, const runtime::ScoringSequence& sequence) {
  return cache::sequence_key(fingerprint, sequence.token_ids, sequence.pool_index, sequence.position_start);
}

}  // namespace

std::vector<std::optional<std::vector<float>>> ModelScoreStore::find(
    const std::vector<runtime::ScoringSequence>& sequences) {
  std::vector<cache::Digest> keys;
  keys.reserve(sequences.size());
  for (const auto& sequence : sequences) keys.push_back(key_of(fingerprint_, sequence));
  return cache_->find(fingerprint_, keys);
}

void ModelScoreStore::store(const std::vector<const runtime::ScoringSequence*>& sequences,
                            const std::vector<std::vector<float>>& scores) {
  std::vector<cache::StoredScores> rows;
  rows.reserve(sequences.size());
  for (size_t i = 0; i < sequences.size(); ++i) rows.push_back({key_of(fingerprint_, *sequences[i]), scores[i]});
  cache_->put(fingerprint_, rows);
}

nlohmann::ordered_json ModelScoreStore::provenance() const {
  nlohmann::ordered_json provenance = cache::build_provenance();
  provenance["model_fingerprint"] = fingerprint_;
  provenance["fingerprint_of"] = description_;
  return provenance;
}

#else  // built without the cache layer (no SQLite)

RunScoreCache::RunScoreCache(const ScoringRunOptions&, const std::function<void(const std::string&)>&)
    : status_("not built (no SQLite)") {}

ModelScoreStore::ModelScoreStore(const RunScoreCache&, const cache::FingerprintSettings&, unsigned)
    : cache_(nullptr) {}

std::vector<std::optional<std::vector<float>>> ModelScoreStore::find(const std::vector<runtime::ScoringSequence>&) {
  return {};
}

void ModelScoreStore::store(const std::vector<const runtime::ScoringSequence*>&, const std::vector<std::vector<float>>&) {}

nlohmann::ordered_json ModelScoreStore::provenance() const { return nullptr; }

#endif

nlohmann::ordered_json RunScoreCache::report(size_t hits, size_t misses) const {
  nlohmann::ordered_json json;
  json["enabled"] = enabled();
  json["status"] = status_;
#ifdef RB_WITH_CACHE
  if (cache_) json["file"] = cache_->path();
#endif
  json["hits"] = hits;
  json["misses"] = misses;
  return json;
}

}  // namespace rb::app

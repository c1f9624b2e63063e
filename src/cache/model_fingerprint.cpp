#include "cache/model_fingerprint.h"

#include <algorithm>
#include <filesystem>

#include "cache/file_digest.h"
#include "common/error.h"

namespace rb::cache {
namespace fs = std::filesystem;
namespace {

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<FileRecord> describe_files(const std::vector<std::string>& paths, ScoreCache* memo, unsigned threads) {
  const auto digests = digest_files(paths, memo, threads);
  std::vector<FileRecord> records;
  for (size_t i = 0; i < paths.size(); ++i)
    records.push_back({fs::path(paths[i]).filename().string(), fs::file_size(paths[i]), digests[i]});
  return records;
}

nlohmann::ordered_json files_json(const std::vector<FileRecord>& files) {
  auto list = nlohmann::ordered_json::array();
  for (const auto& file : files) list.push_back({{"name", file.name}, {"size", file.size}, {"sha256", file.sha256}});
  return list;
}

}  // namespace

nlohmann::ordered_json settings_json(const FingerprintSettings& s) {
  const bool scores = s.output == FingerprintSettings::Output::RewardScores;
  nlohmann::ordered_json json;
  json["program_version"] = s.program_version;
  json["output"] = scores ? "reward_scores" : "next_token_log_probs";
  json["dtype"] = s.dtype;
  json["device_kind"] = s.device_kind;
  json["batch_invariant"] = s.batch_invariant;
  if (s.device_kind == "cuda") json["attn_implementation"] = s.attn_implementation;
  if (!s.batch_invariant) {
    json["max_sequences_per_batch"] = s.max_sequences_per_batch;
    json["max_tokens_per_batch"] = s.max_tokens_per_batch;
  }
  if (!scores) return json;
  json["max_length"] = s.max_length;
  json["truncation_side"] = s.truncation_side;
  json["append_eos"] = s.append_eos;
  json["pooling_pad_token_id"] = s.pooling_pad_token_id ? nlohmann::ordered_json(*s.pooling_pad_token_id) : nullptr;
  json["chat_template"] = s.chat_template_label;
  json["chat_template_sha256"] = sha256_hex(s.chat_template_text);
  return json;
}

std::vector<std::string> model_files(const std::string& model_dir) {
  const fs::path config = fs::path(model_dir) / "config.json";
  if (!fs::is_regular_file(config)) throw IoError(config.string() + ": not found (needed for the model fingerprint)");
  std::vector<std::string> files{config.string()};
  for (const auto& entry : fs::directory_iterator(model_dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && (ends_with(name, ".safetensors") || name == "model.safetensors.index.json"))
      files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> tokenizer_files(const std::string& tokenizer_dir) {
  static const char* const kNames[] = {"added_tokens.json",  "chat_template.jinja",   "chat_template.json",
                                       "merges.txt",         "special_tokens_map.json", "tokenizer.json",
                                       "tokenizer.model",    "tokenizer_config.json", "vocab.json"};
  std::vector<std::string> files;
  for (const char* name : kNames) {
    const fs::path path = fs::path(tokenizer_dir) / name;
    if (fs::is_regular_file(path)) files.push_back(path.string());
  }
  return files;
}

ModelFingerprint fingerprint_model(const FingerprintSettings& settings, ScoreCache* memo, unsigned max_threads) {
  ModelFingerprint fingerprint;
  fingerprint.model_files = describe_files(model_files(settings.model_dir), memo, max_threads);
  if (settings.output == FingerprintSettings::Output::RewardScores)
    fingerprint.tokenizer_files = describe_files(tokenizer_files(settings.tokenizer_dir), memo, max_threads);
  fingerprint.description["settings"] = settings_json(settings);
  fingerprint.description["model_files"] = files_json(fingerprint.model_files);
  fingerprint.description["tokenizer_files"] = files_json(fingerprint.tokenizer_files);
  fingerprint.digest = sha256_hex(fingerprint.description.dump());
  return fingerprint;
}

}  // namespace rb::cache

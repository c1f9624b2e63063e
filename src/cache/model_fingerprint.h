#pragma once
// The identity of everything that decides a score besides the input tokens: the bytes of the
// model's config and weights and of the tokenizer files (content digests, not paths or dates, so a
// moved folder still hits and a re-downloaded revision never does), the compute dtype, the device
// kind, the batch-invariance mode, the sequence rules (max length, truncation side, appended EOS,
// pooling pad id), the chat template that rendered the texts, and the program version.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cache/score_cache.h"

namespace rb::cache {

struct FingerprintSettings {
  // What the cached values are: a reward model's scores, or a causal LM's next-token log-probs
  // (those depend on the exact token ids alone: no tokenizer, sequence rules or template).
  enum class Output { RewardScores, NextTokenLogProbs };
  Output output = Output::RewardScores;
  std::string model_dir;
  std::string tokenizer_dir;  // reward scores only
  std::string dtype;          // e.g. "float32"
  std::string device_kind;    // "cpu" or "cuda": kernels differ, so scores differ in their last bits
  bool batch_invariant = true;
  std::string attn_implementation = "sdpa";  // CUDA only (CPU attention is the same whatever it says)
  // Where scores may depend on batch composition (not batch invariant), the batch limits too.
  size_t max_sequences_per_batch = 0;
  size_t max_tokens_per_batch = 0;
  // Reward scores only: the sequence rules and the template that rendered the texts.
  size_t max_length = 0;
  std::string truncation_side = "left";
  bool append_eos = false;
  std::optional<int64_t> pooling_pad_token_id;
  std::string chat_template_label;  // "tokenizer" or the FastChat name
  std::string chat_template_text;   // the tokenizer's template text ("" on the FastChat path)
  std::string program_version;      // version + git commit of this build
};

struct FileRecord {
  std::string name;  // relative to its folder
  uint64_t size = 0;
  std::string sha256;
};

struct ModelFingerprint {
  std::string digest;                       // hex SHA-256 of `description`
  nlohmann::ordered_json description;       // settings and files, as hashed
  std::vector<FileRecord> model_files;      // config.json, safetensors index, *.safetensors
  std::vector<FileRecord> tokenizer_files;  // tokenizer.json, tokenizer_config.json, ...
};

// The files of a model folder that decide its scores (sorted by name). Throws rb::IoError when
// the folder has no config.json.
std::vector<std::string> model_files(const std::string& model_dir);
// The tokenizer files present in a folder (sorted by name).
std::vector<std::string> tokenizer_files(const std::string& tokenizer_dir);

// The settings as the fingerprint hashes them (run.json shows the same object).
nlohmann::ordered_json settings_json(const FingerprintSettings& settings);

// `memo` (may be null) remembers file digests between runs.
ModelFingerprint fingerprint_model(const FingerprintSettings& settings, ScoreCache* memo, unsigned max_threads);

}  // namespace rb::cache

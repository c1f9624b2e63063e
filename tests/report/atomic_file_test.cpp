#include "io/atomic_file.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "../support/test_support.h"
#include "common/error.h"

namespace {

namespace fs = std::filesystem;

class AtomicFile : public rb::testing::ScratchDirTest {
 protected:
  static std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream contents;
    contents << in.rdbuf();
    return contents.str();
  }
  std::vector<std::string> entries(const fs::path& folder) const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

};

TEST_F(AtomicFile, CreatesParentsAndLeavesNoTemporaryFiles) {
  fs::path target = dir_ / "a" / "b" / "results.json";
  rb::io::write_file_atomically(target.string(), std::string("{\"x\": 1}\0tail", 13));
  EXPECT_EQ(read(target), std::string("{\"x\": 1}\0tail", 13));
  EXPECT_EQ(entries(target.parent_path()), std::vector<std::string>{"results.json"});
}

TEST_F(AtomicFile, ReplacesAnExistingFileAndKeepsUmaskPermissions) {
  fs::path target = dir_ / "out.jsonl";
  std::ofstream(target) << "old contents that are longer than the new ones";
  rb::io::write_file_atomically(target.string(), "new");
  EXPECT_EQ(read(target), "new");
  rb::io::write_file_atomically(target.string(), "");
  EXPECT_EQ(read(target), "");
  EXPECT_EQ(entries(dir_), std::vector<std::string>{"out.jsonl"});

  mode_t mask = ::umask(0);
  ::umask(mask);
  struct stat info {};
  ASSERT_EQ(::stat(target.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0666 & ~mask);
}

TEST_F(AtomicFile, FailureLeavesTheOldStateAndNoTemporary) {
  // The destination is a non-empty folder: rename fails after the temporary was written.
  fs::path target = dir_ / "busy";
  fs::create_directories(target / "inside");
  try {
    rb::io::write_file_atomically(target.string(), "data");
    ADD_FAILURE() << "expected rb::IoError";
  } catch (const rb::IoError& error) {
    std::string message = error.what();
    EXPECT_EQ(message.rfind(target.string() + ": rename failed: ", 0), 0u) << message;
  }
  EXPECT_EQ(entries(dir_), std::vector<std::string>{"busy"});
  EXPECT_TRUE(fs::is_directory(target / "inside"));

  // A parent that is a file cannot become a folder.
  std::ofstream(dir_ / "plain") << "x";
  try {
    rb::io::write_file_atomically((dir_ / "plain" / "r.json").string(), "data");
    ADD_FAILURE() << "expected rb::IoError";
  } catch (const rb::IoError& error) {
    EXPECT_NE(std::string(error.what()).find("cannot create folder"), std::string::npos) << error.what();
  }
  EXPECT_EQ(read(dir_ / "plain"), "x");
}

TEST_F(AtomicFile, ReadersNeverSeeAPartialFile) {
  fs::path target = dir_ / "results.json";
  const std::string small(64 * 1024, 'a');
  const std::string large(512 * 1024, 'b');
  rb::io::write_file_atomically(target.string(), small);
  std::atomic<bool> done{false};
  std::atomic<int> reads{0}, torn{0};
  std::thread reader([&] {
    while (!done) {
      std::string seen = read(target);
      ++reads;
      if (seen != small && seen != large) ++torn;
    }
  });
  for (int i = 0; i < 40; ++i) rb::io::write_file_atomically(target.string(), i % 2 ? small : large);
  done = true;
  reader.join();
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(entries(dir_), std::vector<std::string>{"results.json"});
}

}  // namespace

#pragma once
// Small helpers shared by tests: locating ../shared, scratch folders, reading files, running helper
// scripts, fetching pinned npm packages, hashing. Header-only so any test target can use it without
// a library.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace rb::testing {

inline std::string shared_dir() { return RB_SHARED_DIR; }
inline std::string source_dir() { return RB_SOURCE_DIR; }
inline std::string binary_dir() { return RB_BINARY_DIR; }
inline bool have_shared_data() { return std::filesystem::exists(std::string(RB_SHARED_DIR) + "/data/text"); }

struct CommandResult {
  int status = -1;
  std::string output;  // stdout
};

inline CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
  int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The unpacked folder of a pinned npm package, fetched once into the build tree; nullopt when npm
// or the registry is unavailable (callers GTEST_SKIP).
inline std::optional<std::string> npm_package(const std::string& spec) {
  auto r = run_command(shell_quote(source_dir() + "/tests/support/fetch_npm_package.sh") + " " + shell_quote(spec) +
                       " " + shell_quote(binary_dir() + "/npm-packages") + " 2>/dev/null");
  if (r.status != 0) return std::nullopt;
  while (!r.output.empty() && (r.output.back() == '\n' || r.output.back() == '\r')) r.output.pop_back();
  return r.output;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// An empty folder of its own for the running test: <tmp>/<prefix>_<pid>_<test name> (removed first
// if an earlier run left it).
inline std::filesystem::path fresh_test_folder(const std::string& prefix);

// A test with an empty scratch folder of its own (dir_), removed after the test.
class ScratchDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_test_folder(std::string("rb_") + ::testing::UnitTest::GetInstance()->current_test_suite()->name());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
};

inline std::filesystem::path fresh_test_folder(const std::string& prefix) {
  const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / (prefix + "_" + std::to_string(::getpid()) + "_" +
                                                ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  return folder;
}

// SHA-1 (FIPS 180-4), to compare against hashes that Python's hashlib wrote into fixtures.
inline std::string sha1_hex(const std::string& data) {
  auto rotl = [](uint32_t x, int n) { return (x << n) | (x >> (32 - n)); };
  uint32_t h[5] = {0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u};
  std::string msg = data;
  const uint64_t bit_length = static_cast<uint64_t>(data.size()) * 8;
  msg += static_cast<char>(0x80);
  while (msg.size() % 64 != 56) msg += '\0';
  for (int i = 7; i >= 0; --i) msg += static_cast<char>((bit_length >> (8 * i)) & 0xff);
  for (size_t chunk = 0; chunk < msg.size(); chunk += 64) {
    uint32_t w[80];
    for (int i = 0; i < 16; ++i)
      w[i] = (uint32_t(uint8_t(msg[chunk + 4 * i])) << 24) | (uint32_t(uint8_t(msg[chunk + 4 * i + 1])) << 16) |
             (uint32_t(uint8_t(msg[chunk + 4 * i + 2])) << 8) | uint32_t(uint8_t(msg[chunk + 4 * i + 3]));
    for (int i = 16; i < 80; ++i) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; ++i) {
      uint32_t f, k;
      if (i < 20) f = (b & c) | (~b & d), k = 0x5A827999u;
      else if (i < 40) f = b ^ c ^ d, k = 0x6ED9EBA1u;
      else if (i < 60) f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDCu;
      else f = b ^ c ^ d, k = 0xCA62C1D6u;
      uint32_t t = rotl(a, 5) + f + e + k + w[i];
      e = d, d = c, c = rotl(b, 30), b = a, a = t;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
  }
  char out[41];
  for (int i = 0; i < 5; ++i) std::snprintf(out + 8 * i, 9, "%08x", h[i]);
  return std::string(out, 40);
}

// tools/parity/build_pairs.py: a fixture's `count` real pairs rebuilt from ../shared into `path`.
// Returns the SHA-1 of the file it wrote (as the script prints it), or "" when the script failed.
inline std::string build_parity_pairs(const std::string& path, int count) {
  const auto r = run_command("python3 " + shell_quote(source_dir() + "/tools/parity/build_pairs.py") + " " +
                             shell_quote(shared_dir()) + " " + shell_quote(path) + " --pairs " + std::to_string(count));
  return r.status == 0 ? r.output.substr(0, 40) : "";
}

// tools/parity/assemble_fixture.py: a committed fixture plus its npm tokenizer (the package's
// models/ folder) and ../shared's templates as one Hugging Face folder. Returns the exit status.
inline int assemble_parity_fixture(const std::string& fixture_dir, const std::string& tokenizer_models_dir,
                                   const std::string& out_dir) {
  return run_command("python3 " + shell_quote(source_dir() + "/tools/parity/assemble_fixture.py") + " " +
                     shell_quote(fixture_dir) + " " + shell_quote(tokenizer_models_dir) + " " + shell_quote(out_dir) +
                     " " + shell_quote(shared_dir() + "/data"))
      .status;
}

}  // namespace rb::testing

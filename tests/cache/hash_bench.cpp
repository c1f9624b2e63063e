// Fingerprint cost: SHA-256 throughput over a weight-sized file, and the cost of a remembered
// digest. Usage: cache_hash_bench [megabytes=1024] [files=2]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cache/file_digest.h"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  const size_t megabytes = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1024;
  const size_t files = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 2;
  const fs::path dir = fs::temp_directory_path() / ("rb_hash_bench_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::vector<std::string> paths;
  std::string chunk(1 << 20, '\0');
  for (size_t f = 0; f < files; ++f) {
    paths.push_back((dir / ("shard" + std::to_string(f) + ".safetensors")).string());
    std::ofstream out(paths.back(), std::ios::binary);
    for (size_t m = 0; m < megabytes; ++m) {
      chunk[m % chunk.size()] = static_cast<char>(m + f);
      out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    }
  }
  auto seconds_of = [](auto&& work) {
    const auto start = std::chrono::steady_clock::now();
    work();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  const double total_mb = static_cast<double>(megabytes * files);
  const double one_thread = seconds_of([&] { rb::cache::digest_files(paths, nullptr, 1); });
  const double threaded = seconds_of([&] { rb::cache::digest_files(paths, nullptr, static_cast<unsigned>(files)); });
  rb::cache::ScoreCache memo((dir / "scores.sqlite").string());
  rb::cache::digest_files(paths, &memo, static_cast<unsigned>(files));
  const double remembered = seconds_of([&] { rb::cache::digest_files(paths, &memo, 1); });
  std::printf("%zu files x %zu MB: 1 thread %.0f MB/s, %zu threads %.0f MB/s, remembered digests %.2f ms\n", files,
              megabytes, total_mb / one_thread, files, total_mb / threaded, remembered * 1e3);
  fs::remove_all(dir);
  return 0;
}

// Download throughput of the Hub client against the loopback mock Hub: one LFS file of N MB
// (default 256) fetched through the CDN redirect, written to blobs/<sha256>.incomplete, checked
// against its sha256 and linked into the snapshot; then the same with a cut connection resumed.
//   build/tests/hub/hub_download_bench [megabytes]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>

#include "hub/hub_client.h"
#include "mock_hub.h"

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  using namespace rb::hub;
  const size_t megabytes = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 256;
  std::string weights(megabytes << 20, '\0');
  std::mt19937_64 generator(1);
  for (size_t i = 0; i + 8 <= weights.size(); i += 8) {
    const uint64_t word = generator();
    std::memcpy(&weights[i], &word, 8);
  }
  const std::string commit(40, 'b');
  testing::MockHub hub;
  testing::MockRepo repo;
  repo.id = "bench/rm";
  repo.refs["main"] = commit;
  repo.commits[commit] = {{"config.json", {"{}", false}}, {"model.safetensors", {weights, true}}};
  hub.add_repo(repo);

  std::string pattern = (fs::temp_directory_path() / "hub_bench_XXXXXX").string();
  const std::string home = ::mkdtemp(pattern.data());
  HubOptions options;
  options.endpoint = hub.endpoint();
  options.progress = ProgressMode::Never;
  options.retry_delay_s = 0;

  options.cache_dir = home + "/fresh";
  auto start = std::chrono::steady_clock::now();
  resolve_model("bench/rm", options);
  const double fresh = seconds_since(start);

  testing::MockFaults faults;
  faults.cut_after_bytes = weights.size() / 2;
  faults.cuts_left = 1;
  hub.set_faults(faults);
  options.cache_dir = home + "/resumed";
  start = std::chrono::steady_clock::now();
  resolve_model("bench/rm", options);
  const double resumed = seconds_since(start);

  start = std::chrono::steady_clock::now();
  options.offline = true;
  resolve_model("bench/rm", options);
  const double offline = seconds_since(start);

  std::printf("%zu MB LFS file over loopback (download + sha256 + link):\n", megabytes);
  std::printf("  fresh:                     %.2f s (%.0f MB/s)\n", fresh, megabytes / fresh);
  std::printf("  cut at half, then resumed: %.2f s (%.0f MB/s)\n", resumed, megabytes / resumed);
  std::printf("  offline reuse:             %.4f s\n", offline);
  fs::remove_all(home);
  return 0;
}

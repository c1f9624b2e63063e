#pragma once
// A download progress line (bytes, percent, rate) for files over 1 MB: redrawn in place at most
// ten times a second, finished with a newline. Silent when disabled (not a terminal, or told so).
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "hub/hub_options.h"

namespace rb::hub {

constexpr uint64_t kProgressMinBytes = 1024 * 1024;

class ProgressBar {
 public:
  // `total` unknown: bytes and rate only. `initial`: bytes already there (a resumed download).
  ProgressBar(const HubOptions& options, std::string label, std::optional<uint64_t> total, uint64_t initial);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void advance(uint64_t bytes);
  void restart(uint64_t done);  // the server ignored a Range request: counting starts again
  void finish();

 private:
  void draw(bool final_line);

  std::ostream* out_ = nullptr;  // nullptr: disabled
  std::string label_;
  std::optional<uint64_t> total_;
  uint64_t initial_;
  uint64_t done_;
  std::chrono::steady_clock::time_point start_, last_draw_;
  bool finished_ = false;
};

// "12.3 MB" (decimal units, as tqdm's unit_scale).
std::string format_bytes(double bytes);

}  // namespace rb::hub

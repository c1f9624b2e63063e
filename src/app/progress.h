#pragma once
// Progress on stderr for long work: a single updating line on a terminal, a line every few
// seconds otherwise (logs), nothing when quiet.
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

namespace rb::app {

class Progress {
 public:
  Progress(std::string label, bool enabled);
  void update(size_t done, size_t total);
  // update() as a callback for the scoring loops (valid while this object lives).
  std::function<void(size_t done, size_t total)> callback() {
    return [this](size_t done, size_t total) { update(done, total); };
  }
  void finish();

 private:
  std::string label_;
  bool enabled_;
  bool is_terminal_;
  std::chrono::steady_clock::time_point start_, last_print_;
  bool printed_ = false;
};

}  // namespace rb::app

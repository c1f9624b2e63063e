#pragma once
// Wall time per stage of a run (load, render, score, write), for run.json and progress lines.
#include <chrono>
#include <string>
#include <vector>

namespace rb {

struct StageTiming {
  std::string stage;  // e.g. "load_model", "tokenize_and_score"
  double seconds = 0.0;
};

class StageClock {
 public:
  // Ends the current stage: the time since the previous lap (or construction) is `stage`'s.
  void lap(const std::string& stage) {
    const auto now = std::chrono::steady_clock::now();
    timings_.push_back({stage, std::chrono::duration<double>(now - last_).count()});
    last_ = now;
  }
  const std::vector<StageTiming>& timings() const { return timings_; }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
  std::vector<StageTiming> timings_;
};

}  // namespace rb

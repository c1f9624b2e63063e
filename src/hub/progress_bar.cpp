#include "hub/progress_bar.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace rb::hub {
namespace {

bool enabled_for(const HubOptions& options, const std::optional<uint64_t>& total) {
  if (options.progress == ProgressMode::Never) return false;
  if (total && *total < kProgressMinBytes) return false;
  if (options.progress == ProgressMode::Always) return true;
  return ::isatty(STDERR_FILENO) == 1;
}

}  // namespace

std::string format_bytes(double bytes) {
  static const char* kUnits[] = {"B", "kB", "MB", "GB", "TB"};
  int unit = 0;
  while (bytes >= 1000 && unit < 4) {
    bytes /= 1000;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, kUnits[unit]);
  return text;
}

ProgressBar::ProgressBar(const HubOptions& options, std::string label, std::optional<uint64_t> total, uint64_t initial)
    : out_(enabled_for(options, total) ? (options.progress_stream ? options.progress_stream : &std::cerr) : nullptr),
      label_(std::move(label)),
      total_(total),
      initial_(initial),
      done_(initial),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {
  if (label_.size() > 40) label_ = "(...)" + label_.substr(label_.size() - 40);
}

ProgressBar::~ProgressBar() {
  if (out_ && !finished_) *out_ << "\n" << std::flush;  // an interrupted bar still ends its line
}

void ProgressBar::advance(uint64_t bytes) {
  done_ += bytes;
  const auto now = std::chrono::steady_clock::now();
  if (out_ && now - last_draw_ >= std::chrono::milliseconds(100)) {
    last_draw_ = now;
    draw(false);
  }
}

void ProgressBar::restart(uint64_t done) {
  done_ = initial_ = done;
  start_ = std::chrono::steady_clock::now();
}

void ProgressBar::finish() {
  if (!out_ || finished_) return;
  finished_ = true;
  draw(true);
}

void ProgressBar::draw(bool final_line) {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = seconds > 0 ? static_cast<double>(done_ - initial_) / seconds : 0.0;
  std::string line = label_ + ": ";
  if (total_ && *total_ > 0) {
    char percent[16];
    std::snprintf(percent, sizeof percent, "%3.0f%% ", 100.0 * static_cast<double>(done_) / static_cast<double>(*total_));
    line += percent + format_bytes(static_cast<double>(done_)) + "/" + format_bytes(static_cast<double>(*total_));
  } else {
    line += format_bytes(static_cast<double>(done_));
  }
  line += " " + format_bytes(rate) + "/s";
  *out_ << "\r" << line << "\033[K" << (final_line ? "\n" : "") << std::flush;
}

}  // namespace rb::hub

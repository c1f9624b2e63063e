#include "app/progress.h"

#include <unistd.h>

#include <cstdio>

namespace rb::app {

Progress::Progress(std::string label, bool enabled)
    : label_(std::move(label)),
      enabled_(enabled),
      is_terminal_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_) {}

void Progress::update(size_t done, size_t total) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const double since_print = std::chrono::duration<double>(now - last_print_).count();
  const bool last = done >= total;
  if (!last && since_print < (is_terminal_ ? 0.2 : 5.0)) return;
  last_print_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? done / elapsed : 0.0;
  const double eta = rate > 0 ? (total - done) / rate : 0.0;
  std::fprintf(stderr, "%s%s: %zu/%zu (%.0f%%) %.1fs elapsed, ~%.0fs left%s", is_terminal_ ? "\r" : "",
               label_.c_str(), done, total, total ? 100.0 * done / total : 100.0, elapsed, eta,
               is_terminal_ ? "   " : "\n");
  std::fflush(stderr);
  printed_ = true;
}

void Progress::finish() {
  if (enabled_ && printed_ && is_terminal_) std::fprintf(stderr, "\n");
  printed_ = false;
}

}  // namespace rb::app

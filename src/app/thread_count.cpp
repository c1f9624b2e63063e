#include "app/thread_count.h"

#include <algorithm>
#include <string>

#include "common/error.h"

namespace rb::app {

int resolve_thread_count(int requested, unsigned hardware_cores) {
  const int cores = static_cast<int>(std::max(1u, hardware_cores));
  const int most = std::max(64, 8 * cores);
  if (requested < 0)
    throw InputError("--threads " + std::to_string(requested) + ": expected 0 (every core) or a positive count");
  if (requested > most)
    throw InputError("--threads " + std::to_string(requested) + ": more than " + std::to_string(most) +
                     " (8 per core, at least 64) on this machine of " + std::to_string(cores) + " cores");
  return requested > 0 ? requested : cores;
}

}  // namespace rb::app

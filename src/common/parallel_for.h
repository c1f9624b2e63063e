#pragma once
// The project's one work-sharing loop: indices handed out one at a time to up to `threads`
// threads (the caller's own included), so uneven items (long and short texts, big and small files)
// balance themselves. The first exception stops the hand-out and is rethrown once every thread
// has stopped.
#include <cstddef>
#include <functional>

namespace rb {

// Runs body(i) for every i in [0, count). `threads` 0 means every core; never more threads than items.
void parallel_for(size_t count, unsigned threads, const std::function<void(size_t)>& body);

// Threads worth starting for `items` when each thread should get at least `items_per_thread`
// (thread start-up costs more than tiny items): at most `max_threads` (0: every core), at least 1.
unsigned threads_for(size_t items, unsigned max_threads, size_t items_per_thread);

}  // namespace rb

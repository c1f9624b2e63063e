#include "common/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace rb {
namespace {

unsigned all_cores() { return std::max(1u, std::thread::hardware_concurrency()); }

}  // namespace

unsigned threads_for(size_t items, unsigned max_threads, size_t items_per_thread) {
  const unsigned limit = max_threads ? max_threads : all_cores();
  const size_t wanted = std::max<size_t>(1, items / std::max<size_t>(1, items_per_thread));
  return static_cast<unsigned>(std::min<size_t>(limit, wanted));
}

void parallel_for(size_t count, unsigned threads, const std::function<void(size_t)>& body) {
  if (threads == 0) threads = all_cores();
  threads = static_cast<unsigned>(std::min<size_t>(threads, count));
  std::atomic<size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < count;) {
      try {
        body(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        next = count;  // stop handing out work
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& thread : pool) thread.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace rb

#include "judge/request_executor.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

namespace rb::judge {

std::vector<RequestAnswer> execute_requests(const std::vector<PlannedRequest>& requests,
                                            const std::vector<ApiEndpoint>& endpoints, ResponseCache& cache,
                                            const RetryPolicy& policy, int concurrency, ExecutionStats* stats,
                                            const ProgressCallback& progress) {
  std::vector<RequestAnswer> answers(requests.size());
  std::vector<size_t> missing;
  for (size_t i = 0; i < requests.size(); ++i) {
    if (auto text = cache.find(requests[i].request.cache_key)) {
      answers[i].ok = true;
      answers[i].text = std::move(*text);
      answers[i].from_cache = true;
    } else {
      missing.push_back(i);
    }
  }

  std::atomic<size_t> next{0}, done{0};
  std::atomic<bool> cancelled{false};
  std::mutex error_mutex;
  std::exception_ptr first_error;
  auto worker = [&] {
    try {
      net::HttpClient client;
      for (size_t k = next++; k < missing.size() && !cancelled; k = next++) {
        const PlannedRequest& planned = requests[missing[k]];
        const ChatOutcome outcome =
            send_chat(client, endpoints[planned.judge], planned.request, planned.kind, policy, &cancelled);
        RequestAnswer& answer = answers[missing[k]];
        answer.attempts = outcome.attempts;
        answer.ok = outcome.ok;
        if (outcome.ok) {
          answer.text = outcome.text;
          cache.put(planned.request.cache_key, planned.request.url + "\n" + planned.request.body, outcome.text);
        } else {
          answer.error = outcome.error;
        }
        const size_t finished = ++done;
        if (progress) progress(finished, missing.size());
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!first_error) first_error = std::current_exception();
      cancelled = true;
    }
  };
  const size_t workers = std::min(missing.size(), static_cast<size_t>(std::max(1, concurrency)));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < workers; ++i) threads.emplace_back(worker);
  for (auto& thread : threads) thread.join();
  if (first_error) std::rethrow_exception(first_error);

  if (stats) {
    *stats = {};
    stats->requests = requests.size();
    for (const auto& answer : answers) {
      stats->cached += answer.from_cache;
      stats->sent += !answer.from_cache;
      stats->failed += !answer.ok;
      stats->attempts += static_cast<size_t>(answer.attempts);
    }
  }
  return answers;
}

}  // namespace rb::judge

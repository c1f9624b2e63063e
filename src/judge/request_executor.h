#pragma once
// Gets the answer of every planned request: from the cache when it is there, else from the
// server with `concurrency` requests in flight. Each answer lands in its own slot (index of the
// request), so none is lost or doubled whatever the completion order; each success is committed
// to the cache at once, so an interrupted run resumes.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "judge/chat_client.h"
#include "judge/judge_plan.h"
#include "judge/response_cache.h"

namespace rb::judge {

struct RequestAnswer {
  bool ok = false;
  std::string text;   // the judge's answer (ok)
  std::string error;  // why every attempt failed (!ok)
  bool from_cache = false;
  int attempts = 0;
};

struct ExecutionStats {
  size_t requests = 0;
  size_t cached = 0;
  size_t sent = 0;
  size_t failed = 0;
  size_t attempts = 0;  // HTTP attempts, retries included
};

using ProgressCallback = std::function<void(size_t done, size_t total)>;

// Rethrows the first fatal error (e.g. 401) after stopping the other workers.
std::vector<RequestAnswer> execute_requests(const std::vector<PlannedRequest>& requests,
                                            const std::vector<ApiEndpoint>& endpoints, ResponseCache& cache,
                                            const RetryPolicy& policy, int concurrency, ExecutionStats* stats,
                                            const ProgressCallback& progress = nullptr);

}  // namespace rb::judge

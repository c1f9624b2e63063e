#pragma once
// run.json: how a run was configured and where its time went, so a result can be reproduced
// and compared. Not a reference format; written with indent 4 in the caller's key order.
#include <string>
#include <vector>

#include "report/python_json.h"

namespace rb::report {

struct StageTiming {
  std::string stage;  // e.g. "load_model", "tokenize", "score"
  double seconds = 0.0;
};

// {"config": <config as given>, "timings_seconds": {stage: seconds, ...}, "total_seconds": sum}
Json build_run_json(const Json& config, const std::vector<StageTiming>& timings);

void write_run_json(const std::string& path, const Json& config, const std::vector<StageTiming>& timings);

}  // namespace rb::report

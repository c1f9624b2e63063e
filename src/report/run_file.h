#pragma once
// run.json: how a run was configured, what produced it and where its time went, so a result can
// be reproduced and compared. Not a reference format (the reference's results files have fixed
// schemas, so provenance lives here); written with indent 4 in the caller's key order.
#include <string>
#include <vector>

#include "common/stage_clock.h"
#include "report/python_json.h"

namespace rb::report {

// The sections of run.json, in file order. Null sections are left out. Everything but
// `invocation`, `cache` and the timings is the same for two runs that produce the same scores.
struct RunRecord {
  Json config;      // everything that decides the scores
  Json provenance;  // program build, model fingerprint, file digests
  Json outputs;     // the results files written next to run.json, with their sizes and digests
  Json invocation;  // command line, every option after defaults, output folder
  Json cache;       // score cache: folder, hits, misses
  std::vector<StageTiming> timings;
};

// {"config": <config as given>, "timings_seconds": {stage: seconds, ...}, "total_seconds": sum}
Json build_run_json(const Json& config, const std::vector<StageTiming>& timings);
// {"config", "provenance", "outputs", "invocation", "cache", "timings_seconds", "total_seconds"}
Json build_run_json(const RunRecord& record);

void write_run_json(const std::string& path, const Json& config, const std::vector<StageTiming>& timings);
void write_run_json(const std::string& path, const RunRecord& record);

}  // namespace rb::report

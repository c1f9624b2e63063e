#include "report/run_file.h"

#include "io/atomic_file.h"

namespace rb::report {

Json build_run_json(const Json& config, const std::vector<StageTiming>& timings) {
  RunRecord record;
  record.config = config;
  record.timings = timings;
  return build_run_json(record);
}

Json build_run_json(const RunRecord& record) {
  Json stages = Json::object();
  double total = 0.0;
  for (const auto& timing : record.timings) {
    stages[timing.stage] = timing.seconds;
    total += timing.seconds;
  }
  Json run = Json::object();
  run["config"] = record.config;
  if (!record.provenance.is_null()) run["provenance"] = record.provenance;
  if (!record.outputs.is_null()) run["outputs"] = record.outputs;
  if (!record.invocation.is_null()) run["invocation"] = record.invocation;
  if (!record.cache.is_null()) run["cache"] = record.cache;
  run["timings_seconds"] = stages;
  run["total_seconds"] = total;
  return run;
}

void write_run_json(const std::string& path, const Json& config, const std::vector<StageTiming>& timings) {
  RunRecord record;
  record.config = config;
  record.timings = timings;
  write_run_json(path, record);
}

void write_run_json(const std::string& path, const RunRecord& record) {
  PythonJsonStyle style;
  style.indent = 4;
  style.ensure_ascii = false;
  io::write_file_atomically(path, python_json_dumps(build_run_json(record), style) + "\n");
}

}  // namespace rb::report

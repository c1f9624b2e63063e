#include "report/run_file.h"

#include "io/atomic_file.h"

namespace rb::report {

Json build_run_json(const Json& config, const std::vector<StageTiming>& timings) {
  Json stages = Json::object();
  double total = 0.0;
  for (const auto& timing : timings) {
    stages[timing.stage] = timing.seconds;
    total += timing.seconds;
  }
  Json run = Json::object();
  run["config"] = config;
  run["timings_seconds"] = stages;
  run["total_seconds"] = total;
  return run;
}

void write_run_json(const std::string& path, const Json& config, const std::vector<StageTiming>& timings) {
  PythonJsonStyle style;
  style.indent = 4;
  style.ensure_ascii = false;
  io::write_file_atomically(path, python_json_dumps(build_run_json(config, timings), style) + "\n");
}

}  // namespace rb::report

#pragma once
// What every run shares, whatever it scores: its output folder, progress messages, the stage clock,
// and run.json. Outputs are written through output_path() so that run.json, written last, can name
// each of them with its size and digest: a complete run.json means complete results.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/run_options.h"
#include "common/stage_clock.h"
#include "report/run_file.h"

namespace rb::app {

class RunContext {
 public:
  // `command` prefixes log lines ("rewardbench eval: ...").
  RunContext(std::string command, bool quiet);

  void log(const std::string& line) const;
  bool quiet() const { return quiet_; }
  StageClock& clock() { return clock_; }

  // The folder outputs go to; set before the first output_path().
  // Creates the folder and proves it writable now, before any expensive work: a folder that is
  // a file, or on a read-only file system, used to be found only when the results were written.
  // Throws rb::IoError naming the folder.
  void set_output_dir(std::string folder);
  const std::string& output_dir() const { return output_dir_; }
  // Where output `name` goes (the folder is created on first use); run.json will list it.
  std::string output_path(const std::string& name);

  // run.json: the record's sections, `outputs` (size and sha256 of every output), the invocation
  // (the command line and every option after defaults, as the command's option table records
  // them) and the stage timings. Call it last; the "write_outputs" stage ends here.
  void write_run_json(report::RunRecord record, const std::string& command_line,
                      const nlohmann::ordered_json& options);

 private:
  std::string command_;
  bool quiet_;
  std::string output_dir_;
  std::vector<std::string> outputs_;
  StageClock clock_;
};

}  // namespace rb::app

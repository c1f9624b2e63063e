#include "app/run_context.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "common/error.h"
#include "common/sha256.h"

namespace rb::app {
namespace fs = std::filesystem;

RunContext::RunContext(std::string command, bool quiet) : command_(std::move(command)), quiet_(quiet) {}

void RunContext::log(const std::string& line) const {
  if (!quiet_) std::cerr << "rewardbench " << command_ << ": " << line << "\n";
}

void RunContext::set_output_dir(std::string folder) {
  std::error_code error;
  const fs::path path(folder.empty() ? "." : folder);
  if (fs::exists(path, error) && !fs::is_directory(path, error))
    throw IoError("output folder " + folder + ": exists and is not a folder");
  fs::create_directories(path, error);
  if (error) throw IoError("cannot create output folder " + folder + ": " + error.message());
  const fs::path probe = path / (".rewardbench-write-test-" + std::to_string(::getpid()));
  {
    std::ofstream out(probe, std::ios::binary);
    out << "x";
    out.flush();
    if (!out) {
      const std::string reason = std::strerror(errno);
      fs::remove(probe, error);
      throw IoError("output folder " + folder + " is not writable: " + reason);
    }
  }
  fs::remove(probe, error);
  output_dir_ = std::move(folder);
}

std::string RunContext::output_path(const std::string& name) {
  fs::create_directories(output_dir_);
  if (std::find(outputs_.begin(), outputs_.end(), name) == outputs_.end()) outputs_.push_back(name);
  return (fs::path(output_dir_) / name).string();
}

void RunContext::write_run_json(report::RunRecord record, const std::string& command_line,
                                const nlohmann::ordered_json& options) {
  clock_.lap("write_outputs");
  record.outputs = nlohmann::ordered_json::object();
  for (const auto& name : outputs_) {
    const std::string path = (fs::path(output_dir_) / name).string();
    record.outputs[name] = {{"size", fs::file_size(path)}, {"sha256", sha256_file_hex(path)}};
  }
  record.invocation["command_line"] = command_line;
  record.invocation["output_dir"] = output_dir_;
  record.invocation["options"] = options;
  record.timings = clock_.timings();
  report::write_run_json((fs::path(output_dir_) / "run.json").string(), record);
}

}  // namespace rb::app

#pragma once
// Runs a Python 3 snippet and returns its stdout, so tests can compare our bytes with what
// Python's own json module writes. nullopt when python3 is unavailable (tests then skip the
// comparison but keep their hand-written expectations).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>

namespace rb_test {

inline bool python_available() { return std::system("python3 -c 'import json' >/dev/null 2>&1") == 0; }

inline std::optional<std::string> run_python(const std::string& script) {
  if (!python_available()) return std::nullopt;
  std::random_device entropy;
  auto base = std::filesystem::temp_directory_path() /
              ("rb_py_" + std::to_string(::getpid()) + "_" + std::to_string(entropy()));
  std::string script_path = base.string() + ".py", output_path = base.string() + ".out";
  std::ofstream(script_path, std::ios::binary) << script;
  std::string command = "python3 " + script_path + " > " + output_path;
  int status = std::system(command.c_str());
  std::ifstream in(output_path, std::ios::binary);
  std::ostringstream output;
  output << in.rdbuf();
  std::filesystem::remove(script_path);
  std::filesystem::remove(output_path);
  if (status != 0) return std::nullopt;
  return output.str();
}

}  // namespace rb_test

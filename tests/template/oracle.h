#pragma once
// Test helper: renders cases with Python jinja2 (tests/template/jinja2_oracle.py, Hugging Face's
// settings) and with our interpreter, so tests compare the two byte for byte.
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "template/chat_template.h"

namespace rb::tmpl::testing {

using Json = nlohmann::ordered_json;

struct Rendered {
  bool ok = false;
  std::string text;  // output, or the error message
};

inline std::string run_command(const std::string& command, int* status = nullptr) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  std::string out;
  if (!pipe) {
    if (status) *status = -1;
    return out;
  }
  char buffer[65536];
  std::size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe.get())) > 0) out.append(buffer, n);
  int rc = pclose(pipe.release());
  if (status) *status = rc;
  return out;
}

inline bool oracle_available() {
  static const bool available = [] {
    int status = 0;
    run_command("python3 -c 'import jinja2' 2>/dev/null", &status);
    return status == 0;
  }();
  return available;
}

inline std::string oracle_script() { return std::string(RB_SOURCE_DIR) + "/tests/template/jinja2_oracle.py"; }

// Renders every {template, context} case with jinja2; one result per case.
inline std::vector<Rendered> render_with_jinja2(const Json& cases, const std::string& tag) {
  // The process id keeps concurrent test processes (ctest -j) from sharing a file.
  std::string path = std::string(RB_BINARY_DIR) + "/template_oracle_" + tag + "_" + std::to_string(getpid()) + ".json";
  {
    std::ofstream file(path, std::ios::binary);
    file << cases.dump();
  }
  int status = 0;
  std::string output = run_command("python3 '" + oracle_script() + "' '" + path + "'", &status);
  std::remove(path.c_str());
  std::vector<Rendered> results;
  if (status != 0) return results;
  for (const auto& item : Json::parse(output)) {
    Rendered r;
    r.ok = item.contains("output");
    r.text = r.ok ? item["output"].get<std::string>() : item["error"].get<std::string>();
    results.push_back(std::move(r));
  }
  return results;
}

inline Rendered render_with_ours(const std::string& source, const Json& context) {
  Rendered r;
  try {
    ChatTemplate tmpl(source, "<test>");
    r.text = tmpl.render(context);
    r.ok = true;
  } catch (const std::exception& error) {
    r.text = error.what();
  }
  return r;
}

inline std::string describe(const Rendered& r) { return (r.ok ? "output: " : "error: ") + Json(r.text).dump(); }

}  // namespace rb::tmpl::testing

#include "mock_server.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "net/http_client.h"

namespace rb::judge::testing {

namespace fs = std::filesystem;

std::string fresh_test_dir(const std::string& name) {
  const fs::path dir = fs::path(RB_BINARY_DIR) / "judge_test_tmp" / (name + "_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

MockServer::MockServer() {
  // libcurl honours http_proxy; loopback requests must never go through one.
  setenv("NO_PROXY", "127.0.0.1,localhost", 1);
  setenv("no_proxy", "127.0.0.1,localhost", 1);
  if (system("python3 -c 'import http.server' >/dev/null 2>&1") != 0) return;
  port_file_ = fresh_test_dir("mock_port") + "/port";
  const std::string script = std::string(RB_SOURCE_DIR) + "/tests/judge/mock_server.py";
  pid_ = fork();
  if (pid_ == 0) {
    execlp("python3", "python3", script.c_str(), "--port-file", port_file_.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(port_file_);
    if (in >> port_ && port_ > 0) return;
    port_ = 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

MockServer::~MockServer() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
}

std::string MockServer::root_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
std::string MockServer::base_url() const { return root_url() + "/v1"; }

nlohmann::json MockServer::stats() const {
  net::HttpClient client;
  const net::HttpResponse result = client.post(root_url() + "/stats", {}, "{}", 10.0);
  return nlohmann::json::parse(result.body);
}

void MockServer::heal() const {
  net::HttpClient client;
  client.post(root_url() + "/heal", {}, "{}", 10.0);
}

}  // namespace rb::judge::testing

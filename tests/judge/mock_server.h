#pragma once
// Starts tests/judge/mock_server.py on 127.0.0.1 (a free port) for one test and stops it after.
#include <sys/types.h>

#include <string>

#include <nlohmann/json.hpp>

namespace rb::judge::testing {

class MockServer {
 public:
  MockServer();  // check started() afterwards: false when python3 is missing
  ~MockServer();
  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  bool started() const { return port_ > 0; }
  std::string base_url() const;  // http://127.0.0.1:<port>/v1
  std::string root_url() const;  // http://127.0.0.1:<port>
  nlohmann::json stats() const;  // attempts, distinct, per_body_max
  void heal() const;             // stop failing "#fail" requests

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string port_file_;
};

// A fresh empty folder under the build tree for one test's files.
std::string fresh_test_dir(const std::string& name);

}  // namespace rb::judge::testing

#include "common/file_io.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/error.h"

namespace rb {

std::optional<std::string> read_file_if_present(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) throw IoError(path + ": read error");
  return content.str();
}

std::string read_file(const std::string& path) {
  errno = 0;
  auto content = read_file_if_present(path);
  if (!content) throw IoError(path + ": cannot open for reading" + (errno ? std::string(": ") + std::strerror(errno) : ""));
  return *content;
}

}  // namespace rb

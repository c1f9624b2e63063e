#include "common/file_io.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.h"

namespace rb {

std::optional<std::string> read_file_if_present(const std::string& path) {
  // A FIFO would block the open below until something writes to it; a device may never end.
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (!error && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status) &&
      !std::filesystem::is_directory(status))
    throw IoError(path + ": not a regular file (a FIFO, socket or device)");
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

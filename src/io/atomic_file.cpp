#include "io/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <sstream>

#include "common/error.h"

namespace rb::io {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void throw_system_error(const std::string& what, const std::string& path, int error_number) {
  throw IoError(path + ": " + what + ": " + std::strerror(error_number));
}

// A name no concurrent writer (thread or process) picks: pid plus 64 random bits. Starts with a
// dot so directory listings and globs such as *.json skip it while it exists.
fs::path temporary_name(const fs::path& target) {
  std::random_device entropy;
  std::ostringstream name;
  name << "." << target.filename().string() << ".tmp-" << ::getpid() << "-" << std::hex << entropy() << entropy();
  return target.parent_path() / name.str();
}

void write_all(int fd, std::string_view contents, const std::string& path) {
  while (!contents.empty()) {
    ssize_t written = ::write(fd, contents.data(), contents.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      throw_system_error("write failed", path, errno);
    }
    contents.remove_prefix(static_cast<size_t>(written));
  }
}

// Makes the rename itself durable; failure here is not worth failing the write for.
void sync_directory(const fs::path& folder) {
  int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view contents) {
  fs::path target(path);
  fs::path folder = target.parent_path();
  if (!folder.empty()) {
    std::error_code error;
    fs::create_directories(folder, error);
    if (error) throw IoError(path + ": cannot create folder " + folder.string() + ": " + error.message());
  }
  fs::path temporary = temporary_name(target);
  // 0666 lets the process umask decide the final permissions, as a plain open() would.
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) throw_system_error("cannot create temporary file " + temporary.string(), path, errno);
  try {
    write_all(fd, contents, path);
    if (::fsync(fd) != 0) throw_system_error("fsync failed", path, errno);
    if (::close(fd) != 0) {
      fd = -1;
      throw_system_error("close failed", path, errno);
    }
    fd = -1;
    if (::rename(temporary.c_str(), target.c_str()) != 0) throw_system_error("rename failed", path, errno);
  } catch (...) {
    if (fd >= 0) ::close(fd);
    ::unlink(temporary.c_str());
    throw;
  }
  sync_directory(folder);
}

}  // namespace rb::io

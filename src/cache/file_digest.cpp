#include "cache/file_digest.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <thread>

#include "common/error.h"
#include "common/sha256.h"

namespace rb::cache {
namespace {

[[noreturn]] void throw_io(const std::string& path, const std::string& what) {
  throw IoError(path + ": " + what + ": " + std::strerror(errno));
}

class FileDescriptor {
 public:
  explicit FileDescriptor(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd_ < 0) throw_io(path, "cannot open for hashing");
  }
  ~FileDescriptor() { ::close(fd_); }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

FileIdentity identify_file(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) throw_io(path, "cannot stat");
  FileIdentity identity;
  identity.path = std::filesystem::absolute(path).lexically_normal().string();
  identity.size = static_cast<uint64_t>(info.st_size);
  identity.mtime_ns = static_cast<int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec;
  identity.inode = static_cast<uint64_t>(info.st_ino);
  return identity;
}

std::string file_sha256(const std::string& path) {
  FileDescriptor file(path);
  Sha256Stream hash;
  std::vector<char> buffer(4 << 20);
  for (;;) {
    const ssize_t n = ::read(file.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_io(path, "cannot read for hashing");
    if (n == 0) break;
    hash.update(buffer.data(), static_cast<size_t>(n));
  }
  return hash.finish_hex();
}

std::vector<std::string> digest_files(const std::vector<std::string>& paths, ScoreCache* memo, unsigned max_threads) {
  std::vector<FileIdentity> identities;
  for (const auto& path : paths) identities.push_back(identify_file(path));
  std::vector<std::string> digests(paths.size());
  std::vector<size_t> to_hash;
  for (size_t i = 0; i < paths.size(); ++i) {
    auto remembered = memo ? memo->find_file_digest(identities[i]) : std::nullopt;
    if (remembered) digests[i] = *remembered;
    else to_hash.push_back(i);
  }

  // Work-sharing over files; the first error is rethrown after every thread has stopped.
  std::vector<std::exception_ptr> errors(to_hash.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t j; (j = next.fetch_add(1)) < to_hash.size();) {
      try {
        digests[to_hash[j]] = file_sha256(paths[to_hash[j]]);
      } catch (...) {
        errors[j] = std::current_exception();
      }
    }
  };
  const size_t threads = std::min<size_t>(std::max(1u, max_threads), to_hash.size());
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& thread : pool) thread.join();
  for (const auto& error : errors)
    if (error) std::rethrow_exception(error);

  if (memo)
    for (size_t i : to_hash) memo->put_file_digest(identities[i], digests[i]);
  return digests;
}

}  // namespace rb::cache

#include "cache/file_digest.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/error.h"
#include "common/parallel_for.h"
#include "common/sha256.h"

namespace rb::cache {

FileIdentity identify_file(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) throw IoError(path + ": cannot stat: " + std::strerror(errno));
  FileIdentity identity;
  identity.path = std::filesystem::absolute(path).lexically_normal().string();
  identity.size = static_cast<uint64_t>(info.st_size);
  identity.mtime_ns = static_cast<int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec;
  identity.inode = static_cast<uint64_t>(info.st_ino);
  return identity;
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
  parallel_for(to_hash.size(), std::max(1u, max_threads),
               [&](size_t j) { digests[to_hash[j]] = sha256_file_hex(paths[to_hash[j]]); });
  if (memo)
    for (size_t i : to_hash) memo->put_file_digest(identities[i], digests[i]);
  return digests;
}

}  // namespace rb::cache

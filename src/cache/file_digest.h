#pragma once
// Content digests (SHA-256) of model and tokenizer files. Hashing a 16 GB checkpoint costs tens
// of seconds, so digests are remembered in the score cache under the file's identity (absolute
// path, size, modification time in ns, inode): a file rewritten in place gets a new mtime and is
// hashed again. Files missing from the memo are hashed in parallel, one thread per file.
#include <string>
#include <vector>

#include "cache/score_cache.h"

namespace rb::cache {

// Throws rb::IoError naming the path when the file cannot be read.
FileIdentity identify_file(const std::string& path);

// One hex digest per path, in order. `memo` may be null (nothing remembered).
std::vector<std::string> digest_files(const std::vector<std::string>& paths, ScoreCache* memo, unsigned max_threads);

}  // namespace rb::cache

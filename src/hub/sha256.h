#pragma once
// Checking LFS downloads against their sha256 etag: the digest streams through rb::Sha256Stream
// (common/sha256.h) as the bytes arrive; these helpers add the bytes already on disk.
#include <string>

#include "common/sha256.h"

namespace rb::hub {

// Feeds a file's bytes (a resumed download's partial file) into `digest`, read in chunks.
// Throws HubError when it cannot be read.
void update_from_file(Sha256Stream& digest, const std::string& path);

// Lowercase hex digest of a file's bytes. Throws HubError when it cannot be read.
std::string sha256_file_hex(const std::string& path);

}  // namespace rb::hub

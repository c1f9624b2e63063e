#pragma once
// SHA-256 of files and strings (OpenSSL's libcrypto), to check LFS downloads against their etag.
#include <string>
#include <string_view>

namespace rb::hub {

// Lowercase hex digest of a file's bytes, read in chunks. Throws HubError when it cannot be read.
std::string sha256_file_hex(const std::string& path);
std::string sha256_hex(std::string_view data);

}  // namespace rb::hub

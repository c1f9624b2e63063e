#pragma once
// SHA-256 of files and strings (OpenSSL's libcrypto), to check LFS downloads against their etag.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace rb::hub {

// A digest fed as the bytes arrive, so a download is hashed while it is written (no second read).
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;

  void update(const char* data, size_t size);
  void update_from_file(const std::string& path);  // the bytes already on disk (a resumed download)
  void reset();
  std::string finish_hex();  // the digest of everything since construction or the last reset

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

// Lowercase hex digest of a file's bytes, read in chunks. Throws HubError when it cannot be read.
std::string sha256_file_hex(const std::string& path);
std::string sha256_hex(std::string_view data);

}  // namespace rb::hub

#pragma once
// SHA-256 (FIPS 180-4), streaming, for model fingerprints, cache keys and judge cache keys: a hash that does not
// depend on the platform, the compiler or the process, and that nobody can make collide.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace rb {

using Sha256Digest = std::array<uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t size);
  void update(std::string_view text) { update(text.data(), text.size()); }
  // Integers are fed as fixed-width little-endian bytes, so keys never depend on the host.
  void update_u64(uint64_t value);
  // The digest of everything fed so far; the object must not be fed again afterwards.
  Sha256Digest finish();

 private:
  void compress(const uint8_t* block);

  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

// SHA-256 of large streams (checkpoint files, downloads): OpenSSL's where the build has it (SHA
// extensions, about 10x faster on big files), else Sha256 above; both give the same digest, so
// caches and download checks do not depend on the build.
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;

  void update(const void* data, size_t size);
  void reset();              // forget everything fed so far
  std::string finish_hex();  // lowercase hex digest of everything since construction or the last reset

 private:
  struct Backend;
  std::unique_ptr<Backend> backend_;
};

// Feeds the bytes of a file (read in large chunks) into `stream`; throws rb::IoError naming the
// path when it cannot be opened or read.
void update_from_file(Sha256Stream& stream, const std::string& path);
// Lowercase hex SHA-256 of a file's bytes (weights, tokenizer files, downloads).
std::string sha256_file_hex(const std::string& path);

std::string to_hex(const Sha256Digest& digest);
Sha256Digest sha256(std::string_view data);
std::string sha256_hex(std::string_view data);

}  // namespace rb

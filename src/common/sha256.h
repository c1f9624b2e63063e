#pragma once
// SHA-256 (FIPS 180-4), streaming, for model fingerprints, cache keys and judge cache keys: a hash that does not
// depend on the platform, the compiler or the process, and that nobody can make collide.
#include <array>
#include <cstddef>
#include <cstdint>
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

std::string to_hex(const Sha256Digest& digest);
Sha256Digest sha256(std::string_view data);
std::string sha256_hex(std::string_view data);

}  // namespace rb

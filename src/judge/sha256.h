#pragma once
// SHA-256 (FIPS 180-4), for cache keys and per-example answer orders: a stable hash that does not
// depend on the platform, the library version or the process.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace rb::judge {

std::array<uint8_t, 32> sha256(std::string_view data);
std::string sha256_hex(std::string_view data);

}  // namespace rb::judge

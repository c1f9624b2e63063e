#pragma once
// Page decompression for Parquet's codecs: UNCOMPRESSED, SNAPPY, GZIP and ZSTD. The caller
// passes the size the page header promises; a codec that yields any other size is an error.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace rb::io::parquet {

namespace codec {
constexpr int32_t kUncompressed = 0, kSnappy = 1, kGzip = 2, kLzo = 3, kBrotli = 4, kLz4 = 5, kZstd = 6,
                  kLz4Raw = 7;
}

std::string codec_name(int32_t codec);

// Whether this build can decompress `codec` (SNAPPY, GZIP and ZSTD depend on libraries found
// at configure time).
bool codec_supported(int32_t codec);

// Decompresses `size` bytes at `data` into exactly `expected_size` bytes. Throws rb::IoError
// (prefixed with `context`) for unsupported codecs, corrupt data or a size mismatch.
std::vector<uint8_t> decompress(int32_t codec, const uint8_t* data, size_t size, size_t expected_size,
                                const std::string& context);

}  // namespace rb::io::parquet

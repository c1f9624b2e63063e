#pragma once
// Parquet's integer encodings: the RLE/bit-packed hybrid (levels, dictionary indices, booleans)
// and DELTA_BINARY_PACKED (integers and byte-array lengths). All readers are bounds-checked
// and throw rb::IoError prefixed with `context`.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace rb::io::parquet {

namespace encoding {
constexpr int32_t kPlain = 0, kPlainDictionary = 2, kRle = 3, kBitPacked = 4, kDeltaBinaryPacked = 5,
                  kDeltaLengthByteArray = 6, kDeltaByteArray = 7, kRleDictionary = 8, kByteStreamSplit = 9;
}

std::string encoding_name(int32_t encoding);

// Bits needed to store values 0..max_value (0 for max_value 0).
int bit_width_of(uint32_t max_value);

// Appends `count` values of `bit_width` bits, RLE/bit-packed hybrid encoded in data[0, size).
void decode_rle_hybrid(const uint8_t* data, size_t size, int bit_width, size_t count, std::vector<uint32_t>& out,
                       const std::string& context);

// Decodes a DELTA_BINARY_PACKED stream holding exactly `count` values into `out` (int32 streams
// wrap in 32 bits). Returns the number of bytes the stream occupies.
size_t decode_delta_binary_packed(const uint8_t* data, size_t size, size_t count, bool is_int32,
                                  std::vector<int64_t>& out, const std::string& context);

}  // namespace rb::io::parquet

#pragma once
// Decoding a page's (or dictionary's) encoded values into JSON values, for every physical type
// and the encodings PLAIN, dictionary indices, RLE (booleans), DELTA_BINARY_PACKED,
// DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/parquet_metadata.h"

namespace rb::io::parquet {

using Json = nlohmann::ordered_json;

// How a leaf's stored values become JSON.
enum class ValueConversion {
  kSigned,    // integers as signed
  kUnsigned,  // UINT_* / INTEGER(unsigned): reinterpret the bits as unsigned
  kString,    // UTF8/STRING/JSON/ENUM byte arrays: must be valid UTF-8
  kBinary,    // other byte arrays: a string when valid UTF-8, else an array of byte values
};

struct ValueType {
  PhysicalType physical = PhysicalType::kInt32;
  int32_t type_length = 0;  // FIXED_LEN_BYTE_ARRAY only
  ValueConversion conversion = ValueConversion::kSigned;
};

// Bytes that dictionary lookups and DELTA_BYTE_ARRAY prefixes may still copy. Those two can turn
// a small page into enormous output (a long entry repeated by an RLE run of a million indices),
// so the reader caps their total per file in proportion to the file's size.
struct CopyBudget {
  uint64_t bytes_left = UINT64_MAX;
  void spend(uint64_t bytes, const std::string& context);
};

// Appends `count` values encoded with `encoding` in data[0, size) to `out`. `dictionary` is the
// column chunk's dictionary for the dictionary encodings (nullptr when the chunk has none).
void decode_values(const ValueType& type, int32_t encoding, const uint8_t* data, size_t size, size_t count,
                   const std::vector<Json>* dictionary, std::vector<Json>& out, const std::string& context,
                   CopyBudget* budget = nullptr);

}  // namespace rb::io::parquet

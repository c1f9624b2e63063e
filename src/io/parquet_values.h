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

// Appends `count` values encoded with `encoding` in data[0, size) to `out`. `dictionary` is the
// column chunk's dictionary for the dictionary encodings (nullptr when the chunk has none).
void decode_values(const ValueType& type, int32_t encoding, const uint8_t* data, size_t size, size_t count,
                   const std::vector<Json>* dictionary, std::vector<Json>& out, const std::string& context);

}  // namespace rb::io::parquet

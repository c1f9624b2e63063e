#include "io/parquet_values.h"

#include <cstring>
#include <string_view>

#include "common/error.h"
#include "common/utf8.h"
#include "io/json_file.h"
#include "io/parquet_encoding.h"

namespace rb::io::parquet {
namespace {

[[noreturn]] void fail(const std::string& context, const std::string& what) {
  throw IoError(context + ": " + what);
}

template <typename T>
T load_le(const uint8_t* p) {
  T value;
  std::memcpy(&value, p, sizeof value);  // Parquet is little-endian, as are the hosts we build for
  return value;
}

size_t fixed_width(const ValueType& type) {
  switch (type.physical) {
    case PhysicalType::kInt32:
    case PhysicalType::kFloat: return 4;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble: return 8;
    case PhysicalType::kInt96: return 12;
    case PhysicalType::kFixedLenByteArray: return static_cast<size_t>(type.type_length);
    default: return 0;
  }
}

Json bytes_to_json(const ValueType& type, std::string_view bytes, const std::string& context) {
  if (utf8::find_invalid(bytes) == std::string_view::npos) return Json(std::string(bytes));
  if (type.conversion == ValueConversion::kString) fail(context, "a string value is not valid UTF-8");
  Json array = Json::array();
  for (unsigned char byte : bytes) array.push_back(static_cast<unsigned>(byte));
  return array;
}

Json integer_to_json(const ValueType& type, int64_t value) {
  if (type.conversion != ValueConversion::kUnsigned) return Json(value);
  if (type.physical == PhysicalType::kInt32) return Json(static_cast<uint64_t>(static_cast<uint32_t>(value)));
  return Json(static_cast<uint64_t>(value));
}

// A fixed-width value's bytes (PLAIN or reassembled from BYTE_STREAM_SPLIT) as JSON.
Json fixed_to_json(const ValueType& type, const uint8_t* p, const std::string& context) {
  switch (type.physical) {
    case PhysicalType::kInt32: return integer_to_json(type, load_le<int32_t>(p));
    case PhysicalType::kInt64: return integer_to_json(type, load_le<int64_t>(p));
    case PhysicalType::kFloat: return Json(static_cast<double>(load_le<float>(p)));
    case PhysicalType::kDouble: return Json(load_le<double>(p));
    case PhysicalType::kInt96:
    case PhysicalType::kFixedLenByteArray:
      return bytes_to_json(type, std::string_view(reinterpret_cast<const char*>(p), fixed_width(type)), context);
    default: fail(context, "not a fixed-width type");
  }
}

void decode_plain(const ValueType& type, const uint8_t* data, size_t size, size_t count, std::vector<Json>& out,
                  const std::string& context) {
  if (type.physical == PhysicalType::kBoolean) {
    if (count > size * 8) fail(context, "PLAIN booleans run past the end of the page");
    for (size_t i = 0; i < count; ++i) out.push_back(Json(((data[i / 8] >> (i % 8)) & 1) != 0));
    return;
  }
  if (type.physical == PhysicalType::kByteArray) {
    size_t pos = 0;
    for (size_t i = 0; i < count; ++i) {
      if (size - pos < 4) fail(context, "PLAIN byte array length runs past the end of the page");
      uint32_t length = load_le<uint32_t>(data + pos);
      pos += 4;
      if (length > size - pos) fail(context, "PLAIN byte array runs past the end of the page");
      out.push_back(bytes_to_json(type, std::string_view(reinterpret_cast<const char*>(data + pos), length), context));
      pos += length;
    }
    return;
  }
  const size_t width = fixed_width(type);
  if (width == 0) fail(context, "fixed-length byte array of length 0");
  if (count > size / width) fail(context, "PLAIN values run past the end of the page");
  for (size_t i = 0; i < count; ++i) out.push_back(fixed_to_json(type, data + i * width, context));
}

// The bytes a copy of a decoded value holds (strings and byte arrays; other values count 8).
uint64_t copied_bytes(const Json& value) {
  if (value.is_string()) return value.get_ref<const std::string&>().size() + 8;
  if (value.is_array()) return value.size() + 8;
  return 8;
}

void decode_dictionary_indices(const uint8_t* data, size_t size, size_t count, const std::vector<Json>* dictionary,
                               std::vector<Json>& out, const std::string& context, CopyBudget& budget) {
  if (dictionary == nullptr) fail(context, "dictionary-encoded page without a dictionary page");
  if (count == 0) return;
  if (size < 1) fail(context, "dictionary-encoded page without its bit width");
  std::vector<uint32_t> indices;
  decode_rle_hybrid(data + 1, size - 1, data[0], count, indices, context);
  for (uint32_t index : indices) {
    if (index >= dictionary->size()) {
      fail(context, "dictionary index " + std::to_string(index) + " out of range (dictionary has " +
                        std::to_string(dictionary->size()) + " entries)");
    }
    budget.spend(copied_bytes((*dictionary)[index]), context);
    out.push_back((*dictionary)[index]);
  }
}

void decode_rle_booleans(const uint8_t* data, size_t size, size_t count, std::vector<Json>& out,
                         const std::string& context) {
  if (size < 4) fail(context, "RLE booleans without their length");
  uint32_t length = load_le<uint32_t>(data);
  if (length > size - 4) fail(context, "RLE booleans run past the end of the page");
  std::vector<uint32_t> bits;
  decode_rle_hybrid(data + 4, length, 1, count, bits, context);
  for (uint32_t bit : bits) out.push_back(Json(bit != 0));
}

void decode_delta_integers(const ValueType& type, const uint8_t* data, size_t size, size_t count,
                           std::vector<Json>& out, const std::string& context) {
  if (type.physical != PhysicalType::kInt32 && type.physical != PhysicalType::kInt64) {
    fail(context, "DELTA_BINARY_PACKED on a non-integer column");
  }
  std::vector<int64_t> values;
  decode_delta_binary_packed(data, size, count, type.physical == PhysicalType::kInt32, values, context);
  for (int64_t value : values) out.push_back(integer_to_json(type, value));
}

// Byte-array lengths (DELTA_BINARY_PACKED) followed by the concatenated bytes; returns the
// strings' views into `data` and the position after the last byte.
std::vector<std::string_view> decode_length_prefixed(const uint8_t* data, size_t size, size_t count,
                                                     const std::string& context) {
  std::vector<int64_t> lengths;
  size_t pos = decode_delta_binary_packed(data, size, count, false, lengths, context);
  std::vector<std::string_view> strings;
  strings.reserve(lengths.size());
  for (int64_t length : lengths) {
    if (length < 0 || static_cast<uint64_t>(length) > size - pos) {
      fail(context, "DELTA_LENGTH_BYTE_ARRAY value runs past the end of the page");
    }
    strings.emplace_back(reinterpret_cast<const char*>(data + pos), static_cast<size_t>(length));
    pos += static_cast<size_t>(length);
  }
  return strings;
}

void decode_delta_length_byte_array(const ValueType& type, const uint8_t* data, size_t size, size_t count,
                                    std::vector<Json>& out, const std::string& context) {
  for (std::string_view bytes : decode_length_prefixed(data, size, count, context)) {
    out.push_back(bytes_to_json(type, bytes, context));
  }
}

// Each value shares a prefix of the previous one: prefix lengths, then suffixes as
// DELTA_LENGTH_BYTE_ARRAY.
void decode_delta_byte_array(const ValueType& type, const uint8_t* data, size_t size, size_t count,
                             std::vector<Json>& out, const std::string& context, CopyBudget& budget) {
  std::vector<int64_t> prefix_lengths;
  size_t pos = decode_delta_binary_packed(data, size, count, false, prefix_lengths, context);
  std::vector<std::string_view> suffixes = decode_length_prefixed(data + pos, size - pos, count, context);
  std::string previous;
  for (size_t i = 0; i < count; ++i) {
    if (prefix_lengths[i] < 0 || static_cast<uint64_t>(prefix_lengths[i]) > previous.size()) {
      fail(context, "DELTA_BYTE_ARRAY prefix longer than the previous value");
    }
    budget.spend(static_cast<uint64_t>(prefix_lengths[i]), context);
    std::string value = previous.substr(0, static_cast<size_t>(prefix_lengths[i]));
    value.append(suffixes[i]);
    out.push_back(bytes_to_json(type, value, context));
    previous = std::move(value);
  }
}

void decode_byte_stream_split(const ValueType& type, const uint8_t* data, size_t size, size_t count,
                              std::vector<Json>& out, const std::string& context) {
  const size_t width = fixed_width(type);
  if (width == 0 || type.physical == PhysicalType::kInt96) fail(context, "BYTE_STREAM_SPLIT on an unsupported type");
  if (count > size / width) fail(context, "BYTE_STREAM_SPLIT values run past the end of the page");
  if (count == 0) return;  // (and no buffer for a huge declared width)
  // Byte j of value i lives in stream j; a page's streams each hold size / width bytes.
  const size_t stream_length = size / width;
  std::vector<uint8_t> value(width);
  for (size_t i = 0; i < count; ++i) {
    for (size_t j = 0; j < width; ++j) value[j] = data[j * stream_length + i];
    out.push_back(fixed_to_json(type, value.data(), context));
  }
}

}  // namespace

void CopyBudget::spend(uint64_t bytes, const std::string& context) {
  if (bytes > bytes_left) {
    fail(context, "dictionary or prefix copies expand past what a file of this size can plausibly hold");
  }
  bytes_left -= bytes;
}

void decode_values(const ValueType& type, int32_t value_encoding, const uint8_t* data, size_t size, size_t count,
                   const std::vector<Json>* dictionary, std::vector<Json>& out, const std::string& context,
                   CopyBudget* budget) {
  CopyBudget unlimited;
  CopyBudget& copies = budget != nullptr ? *budget : unlimited;
  switch (value_encoding) {
    case encoding::kPlain: return decode_plain(type, data, size, count, out, context);
    case encoding::kPlainDictionary:
    case encoding::kRleDictionary:
      return decode_dictionary_indices(data, size, count, dictionary, out, context, copies);
    case encoding::kRle:
      if (type.physical != PhysicalType::kBoolean) fail(context, "RLE values on a non-boolean column");
      return decode_rle_booleans(data, size, count, out, context);
    case encoding::kDeltaBinaryPacked: return decode_delta_integers(type, data, size, count, out, context);
    case encoding::kDeltaLengthByteArray:
      if (type.physical != PhysicalType::kByteArray) fail(context, "DELTA_LENGTH_BYTE_ARRAY on a non-byte-array column");
      return decode_delta_length_byte_array(type, data, size, count, out, context);
    case encoding::kDeltaByteArray:
      if (type.physical != PhysicalType::kByteArray && type.physical != PhysicalType::kFixedLenByteArray) {
        fail(context, "DELTA_BYTE_ARRAY on a non-byte-array column");
      }
      return decode_delta_byte_array(type, data, size, count, out, context, copies);
    case encoding::kByteStreamSplit: return decode_byte_stream_split(type, data, size, count, out, context);
    default: fail(context, "unsupported value encoding " + encoding_name(value_encoding));
  }
}

}  // namespace rb::io::parquet

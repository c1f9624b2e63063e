#include "io/parquet_encoding.h"

#include "common/error.h"

namespace rb::io::parquet {
namespace {

[[noreturn]] void fail(const std::string& context, const std::string& what) {
  throw IoError(context + ": " + what);
}

uint64_t read_uleb128(const uint8_t* data, size_t size, size_t& pos, const std::string& context) {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos >= size) fail(context, "encoded values end inside a varint");
    uint8_t byte = data[pos++];
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  fail(context, "varint longer than 10 bytes");
}

int64_t read_zigzag(const uint8_t* data, size_t size, size_t& pos, const std::string& context) {
  uint64_t raw = read_uleb128(data, size, pos, context);
  return static_cast<int64_t>(raw >> 1) ^ -static_cast<int64_t>(raw & 1);
}

// Reads `width` (<= 64) bits starting at bit `bit_offset`, least significant bit first, the
// packing order Parquet uses. The caller guarantees the bits lie inside the buffer.
uint64_t read_bits(const uint8_t* data, size_t bit_offset, int width) {
  uint64_t value = 0;
  int filled = 0;
  size_t byte = bit_offset >> 3;
  int shift = static_cast<int>(bit_offset & 7);
  while (filled < width) {
    value |= static_cast<uint64_t>(data[byte] >> shift) << filled;
    filled += 8 - shift;
    shift = 0;
    ++byte;
  }
  return width == 64 ? value : value & ((uint64_t{1} << width) - 1);
}

}  // namespace

std::string encoding_name(int32_t encoding) {
  switch (encoding) {
    case encoding::kPlain: return "PLAIN";
    case encoding::kPlainDictionary: return "PLAIN_DICTIONARY";
    case encoding::kRle: return "RLE";
    case encoding::kBitPacked: return "BIT_PACKED";
    case encoding::kDeltaBinaryPacked: return "DELTA_BINARY_PACKED";
    case encoding::kDeltaLengthByteArray: return "DELTA_LENGTH_BYTE_ARRAY";
    case encoding::kDeltaByteArray: return "DELTA_BYTE_ARRAY";
    case encoding::kRleDictionary: return "RLE_DICTIONARY";
    case encoding::kByteStreamSplit: return "BYTE_STREAM_SPLIT";
    default: return "encoding " + std::to_string(encoding);
  }
}

int bit_width_of(uint32_t max_value) {
  int width = 0;
  while (max_value != 0) {
    ++width;
    max_value >>= 1;
  }
  return width;
}

void decode_rle_hybrid(const uint8_t* data, size_t size, int bit_width, size_t count, std::vector<uint32_t>& out,
                       const std::string& context) {
  if (bit_width < 0 || bit_width > 32) fail(context, "RLE bit width " + std::to_string(bit_width) + " is over 32");
  const size_t target = out.size() + count;
  const size_t value_bytes = static_cast<size_t>(bit_width + 7) / 8;
  size_t pos = 0;
  while (out.size() < target) {
    if (pos >= size && bit_width == 0) {
      out.resize(target, 0);  // zero-width values need no bytes; some writers omit the runs
      break;
    }
    const uint64_t header = read_uleb128(data, size, pos, context);
    const size_t wanted = target - out.size();
    if (header & 1) {
      // Bit-packed run of (header >> 1) groups of 8 values; a final group may be cut short.
      const uint64_t groups = header >> 1;
      const uint64_t run_values = groups > (SIZE_MAX / 8) ? SIZE_MAX : groups * 8;
      const size_t take = run_values < wanted ? static_cast<size_t>(run_values) : wanted;
      const size_t available_bits = (size - pos) * 8;
      if (bit_width > 0 && take > available_bits / static_cast<size_t>(bit_width)) {
        fail(context, "bit-packed run runs past the end of its data");
      }
      for (size_t i = 0; i < take; ++i) {
        out.push_back(static_cast<uint32_t>(read_bits(data + pos, i * bit_width, bit_width)));
      }
      const uint64_t run_bytes = groups * static_cast<uint64_t>(bit_width);
      pos += run_bytes < size - pos ? static_cast<size_t>(run_bytes) : size - pos;
    } else {
      const uint64_t run_length = header >> 1;
      if (value_bytes > size - pos) fail(context, "RLE run value runs past the end of its data");
      uint32_t value = 0;
      for (size_t i = 0; i < value_bytes; ++i) value |= static_cast<uint32_t>(data[pos + i]) << (8 * i);
      pos += value_bytes;
      if (bit_width < 32 && (value >> bit_width) != 0) fail(context, "RLE run value wider than its bit width");
      const size_t take = run_length < wanted ? static_cast<size_t>(run_length) : wanted;
      out.insert(out.end(), take, value);
    }
  }
}

size_t decode_delta_binary_packed(const uint8_t* data, size_t size, size_t count, bool is_int32,
                                  std::vector<int64_t>& out, const std::string& context) {
  size_t pos = 0;
  const uint64_t block_size = read_uleb128(data, size, pos, context);
  const uint64_t miniblocks = read_uleb128(data, size, pos, context);
  const uint64_t total = read_uleb128(data, size, pos, context);
  int64_t last = read_zigzag(data, size, pos, context);
  if (block_size == 0 || block_size % 128 != 0 || block_size > (1u << 20) || miniblocks == 0 ||
      block_size % miniblocks != 0 || (block_size / miniblocks) % 32 != 0) {
    fail(context, "invalid DELTA_BINARY_PACKED block header");
  }
  if (total != count) {
    fail(context, "DELTA_BINARY_PACKED holds " + std::to_string(total) + " values where " + std::to_string(count) +
                      " are expected");
  }
  const size_t values_per_miniblock = static_cast<size_t>(block_size / miniblocks);
  const size_t target = out.size() + count;
  auto wrap = [is_int32](uint64_t value) -> int64_t {
    return is_int32 ? static_cast<int64_t>(static_cast<int32_t>(static_cast<uint32_t>(value)))
                    : static_cast<int64_t>(value);
  };
  if (count == 0) return pos;
  out.push_back(wrap(static_cast<uint64_t>(last)));
  while (out.size() < target) {
    const int64_t min_delta = read_zigzag(data, size, pos, context);
    if (miniblocks > size - pos) fail(context, "DELTA_BINARY_PACKED bit widths run past the end");
    const uint8_t* widths = data + pos;
    pos += static_cast<size_t>(miniblocks);
    for (uint64_t m = 0; m < miniblocks && out.size() < target; ++m) {
      const int width = widths[m];
      if (width > 64) fail(context, "DELTA_BINARY_PACKED bit width over 64");
      const size_t bytes = values_per_miniblock * static_cast<size_t>(width) / 8;
      if (bytes > size - pos) fail(context, "DELTA_BINARY_PACKED miniblock runs past the end");
      for (size_t i = 0; i < values_per_miniblock && out.size() < target; ++i) {
        uint64_t delta = read_bits(data + pos, i * static_cast<size_t>(width), width);
        uint64_t value = static_cast<uint64_t>(last) + static_cast<uint64_t>(min_delta) + delta;
        last = wrap(value);
        out.push_back(last);
      }
      pos += bytes;
    }
  }
  return pos;
}

}  // namespace rb::io::parquet

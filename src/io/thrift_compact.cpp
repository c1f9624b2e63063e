#include "io/thrift_compact.h"

#include <cstring>

#include "common/error.h"

namespace rb::io::thrift {
namespace {
// Parquet metadata nests a handful of levels; anything deeper is a corrupt or hostile file.
constexpr int kMaxDepth = 64;
}  // namespace

CompactReader::CompactReader(const uint8_t* data, size_t size, std::string context)
    : data_(data), size_(size), context_(std::move(context)) {}

void CompactReader::fail(const std::string& what) const {
  throw IoError(context_ + ": malformed Thrift metadata at byte " + std::to_string(pos_) + ": " + what);
}

uint8_t CompactReader::read_raw_byte() {
  if (pos_ >= size_) fail("unexpected end of data");
  return data_[pos_++];
}

uint64_t CompactReader::read_varint() {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    uint8_t byte = read_raw_byte();
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  fail("varint longer than 10 bytes");
}

int64_t CompactReader::read_zigzag() {
  uint64_t raw = read_varint();
  return static_cast<int64_t>(raw >> 1) ^ -static_cast<int64_t>(raw & 1);
}

void CompactReader::enter() {
  if (++depth_ > kMaxDepth) fail("nesting deeper than " + std::to_string(kMaxDepth));
}

void CompactReader::begin_struct() {
  enter();
  last_field_ids_.push_back(0);
}

void CompactReader::end_struct() {
  last_field_ids_.pop_back();
  leave();
}

bool CompactReader::next_field(FieldHeader& field) {
  uint8_t header = read_raw_byte();
  auto type = static_cast<WireType>(header & 0x0f);
  if (type == WireType::kStop) return false;
  if (static_cast<uint8_t>(type) > static_cast<uint8_t>(WireType::kStruct)) {
    fail("unknown field type " + std::to_string(header & 0x0f));
  }
  int16_t& last = last_field_ids_.back();
  uint8_t delta = header >> 4;
  field.id = delta != 0 ? static_cast<int16_t>(last + delta) : read_i16();
  field.type = type;
  last = field.id;
  return true;
}

bool CompactReader::read_bool(const FieldHeader& field) {
  if (field.type == WireType::kBoolTrue) return true;
  if (field.type == WireType::kBoolFalse) return false;
  fail("field " + std::to_string(field.id) + " is not a bool");
}

bool CompactReader::read_bool_element() { return read_raw_byte() == 1; }

int8_t CompactReader::read_byte() { return static_cast<int8_t>(read_raw_byte()); }

int16_t CompactReader::read_i16() { return static_cast<int16_t>(read_zigzag()); }

int32_t CompactReader::read_i32() {
  int64_t value = read_zigzag();
  if (value < INT32_MIN || value > INT32_MAX) fail("i32 out of range");
  return static_cast<int32_t>(value);
}

int64_t CompactReader::read_i64() { return read_zigzag(); }

double CompactReader::read_double() {
  if (size_ - pos_ < 8) fail("unexpected end of data in a double");
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) bits |= static_cast<uint64_t>(data_[pos_ + i]) << (8 * i);
  pos_ += 8;
  double value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

std::string CompactReader::read_binary() {
  uint64_t length = read_varint();
  if (length > size_ - pos_) fail("string length " + std::to_string(length) + " runs past the end");
  std::string value(reinterpret_cast<const char*>(data_ + pos_), static_cast<size_t>(length));
  pos_ += static_cast<size_t>(length);
  return value;
}

ListHeader CompactReader::read_list_header() {
  uint8_t header = read_raw_byte();
  ListHeader list;
  list.element_type = static_cast<WireType>(header & 0x0f);
  uint64_t size = header >> 4;
  if (size == 15) size = read_varint();
  // Every element takes at least one byte, so a longer list cannot fit in what is left.
  if (size > size_ - pos_) fail("list of " + std::to_string(size) + " elements runs past the end");
  list.size = static_cast<uint32_t>(size);
  return list;
}

void CompactReader::skip(WireType type) {
  switch (type) {
    case WireType::kBoolTrue:
    case WireType::kBoolFalse:
      return;  // struct-field bools carry their value in the header
    case WireType::kByte:
      read_raw_byte();
      return;
    case WireType::kI16:
    case WireType::kI32:
    case WireType::kI64:
      read_varint();
      return;
    case WireType::kDouble:
      read_double();
      return;
    case WireType::kBinary:
      read_binary();
      return;
    case WireType::kList:
    case WireType::kSet: {
      enter();
      ListHeader list = read_list_header();
      for (uint32_t i = 0; i < list.size; ++i) {
        // Bools inside lists are whole bytes.
        if (list.element_type == WireType::kBoolTrue || list.element_type == WireType::kBoolFalse) {
          read_raw_byte();
        } else {
          skip(list.element_type);
        }
      }
      leave();
      return;
    }
    case WireType::kMap: {
      enter();
      uint64_t size = read_varint();
      if (size > size_ - pos_) fail("map runs past the end");
      if (size > 0) {
        uint8_t types = read_raw_byte();
        auto key_type = static_cast<WireType>(types >> 4);
        auto value_type = static_cast<WireType>(types & 0x0f);
        for (uint64_t i = 0; i < size; ++i) {
          skip(key_type == WireType::kBoolTrue || key_type == WireType::kBoolFalse ? WireType::kByte : key_type);
          skip(value_type == WireType::kBoolTrue || value_type == WireType::kBoolFalse ? WireType::kByte
                                                                                       : value_type);
        }
      }
      leave();
      return;
    }
    case WireType::kStruct: {
      begin_struct();
      FieldHeader field;
      while (next_field(field)) skip(field.type);
      end_struct();
      return;
    }
    case WireType::kStop:
    default:
      fail("cannot skip a value of wire type " + std::to_string(static_cast<int>(type)));
  }
}

}  // namespace rb::io::thrift

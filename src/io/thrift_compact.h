#pragma once
// A reader for the Thrift compact protocol, the encoding of Parquet's footer and page headers.
// It never trusts the bytes: every read is bounds-checked, list sizes are bounded by the bytes
// left, nesting depth is limited, and every failure is an rb::IoError that carries `context`
// (the file and what was being read) so users see which file is broken.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace rb::io::thrift {

// Compact-protocol wire types (the low nibble of a field header).
enum class WireType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

struct FieldHeader {
  int16_t id = 0;
  WireType type = WireType::kStop;
};

struct ListHeader {
  uint32_t size = 0;
  WireType element_type = WireType::kStop;
};

class CompactReader {
 public:
  CompactReader(const uint8_t* data, size_t size, std::string context);

  // Struct traversal: call begin_struct(), then next_field() until it returns false (STOP),
  // reading or skipping each field's value, then end_struct().
  void begin_struct();
  bool next_field(FieldHeader& field);
  void end_struct();

  bool read_bool(const FieldHeader& field);  // a struct field's bool lives in its header
  bool read_bool_element();                  // a bool inside a list is a byte of its own
  int8_t read_byte();
  int16_t read_i16();
  int32_t read_i32();
  int64_t read_i64();
  double read_double();
  std::string read_binary();
  ListHeader read_list_header();  // also for sets

  // Skips one value of `type`, including nested structs, lists and maps.
  void skip(WireType type);

  size_t position() const { return pos_; }
  const std::string& context() const { return context_; }
  [[noreturn]] void fail(const std::string& what) const;

 private:
  uint8_t read_raw_byte();
  uint64_t read_varint();
  int64_t read_zigzag();
  void enter();
  void leave() { --depth_; }

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  int depth_ = 0;
  std::string context_;
  std::vector<int16_t> last_field_ids_;  // one per open struct: field ids are delta-encoded
};

}  // namespace rb::io::thrift

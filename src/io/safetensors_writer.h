#pragma once
// Writes safetensors files the way the Python `safetensors` library lays them out:
//   u64 little-endian header length N | N bytes of compact JSON, space-padded to a multiple of 8 | data
// The header lists `__metadata__` first, then the tensors in data order; data is ordered by
// dtype (wider first, as the library does) and then by name, so the same tensors always give
// the same bytes whatever order they were added in.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rb::io {

// Float -> 16-bit conversions with IEEE round-to-nearest-even; NaN stays a (quiet) NaN,
// values beyond the format's range become +-infinity, tiny values become subnormals or +-0.
uint16_t round_float_to_bf16_bits(float value);
uint16_t round_float_to_f16_bits(float value);

class SafetensorsWriter {
 public:
  enum class DType { F32, BF16, F16 };

  // Adds a tensor from raw little-endian bytes; throws rb::InputError when the byte count does
  // not match the shape and dtype, or when the name is empty, reserved or already used.
  void add_raw(const std::string& name, DType dtype, const std::vector<int64_t>& shape,
               std::vector<uint8_t> bytes);

  // Adds a tensor from float32 values, rounding them to `dtype` (round-to-nearest-even).
  void add_floats(const std::string& name, DType dtype, const std::vector<int64_t>& shape,
                  const std::vector<float>& values);

  // Free-form string metadata, written as `__metadata__` (omitted when empty).
  void set_metadata(const std::string& key, const std::string& value);

  // The whole file as bytes.
  std::vector<uint8_t> serialize() const;

  // Writes serialize() to a temporary file next to `path` and renames it over `path`, so readers
  // never see a half-written file. Throws rb::IoError naming the path.
  void write(const std::string& path) const;

  static std::string dtype_name(DType dtype);  // "F32", "BF16", "F16"
  static size_t dtype_size(DType dtype);

 private:
  struct Tensor {
    std::string name;
    DType dtype;
    std::vector<int64_t> shape;
    std::vector<uint8_t> bytes;
  };
  std::vector<const Tensor*> tensors_in_file_order() const;

  std::vector<Tensor> tensors_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace rb::io

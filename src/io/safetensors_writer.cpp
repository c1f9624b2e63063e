#include "io/safetensors_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "common/error.h"

namespace rb::io {
namespace {

uint32_t float_bits(float value) {
  uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

// The Python library orders data by dtype, widest first (its DType enum order reversed).
int file_order_rank(SafetensorsWriter::DType dtype) {
  switch (dtype) {
    case SafetensorsWriter::DType::F32: return 0;
    case SafetensorsWriter::DType::BF16: return 1;
    case SafetensorsWriter::DType::F16: return 2;
  }
  return 3;
}

void append_u64_le(std::vector<uint8_t>& out, uint64_t value) {
  for (int byte = 0; byte < 8; ++byte) out.push_back(static_cast<uint8_t>(value >> (8 * byte)));
}

std::string describe_shape(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? "," : "") + std::to_string(shape[i]);
  return text + "]";
}

std::string system_error_text() { return std::strerror(errno); }

void write_all(int fd, const uint8_t* data, size_t size, const std::string& temp_path) {
  while (size > 0) {
    ssize_t written = ::write(fd, data, size);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) throw IoError(temp_path + ": write failed: " + system_error_text());
    data += written;
    size -= static_cast<size_t>(written);
  }
}

// Temporary file in the destination's folder (so rename stays on one filesystem), then rename.
void write_file_atomically(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::string temp_path = path + ".tmp-XXXXXX";
  int fd = ::mkstemp(temp_path.data());
  if (fd < 0) throw IoError(path + ": cannot create a temporary file: " + system_error_text());
  try {
    // mkstemp creates 0600; give the result the usual permissions of a data file.
    ::fchmod(fd, 0644);
    write_all(fd, bytes.data(), bytes.size(), temp_path);
    if (::fsync(fd) != 0) throw IoError(temp_path + ": fsync failed: " + system_error_text());
  } catch (...) {
    ::close(fd);
    ::unlink(temp_path.c_str());
    throw;
  }
  if (::close(fd) != 0) {
    ::unlink(temp_path.c_str());
    throw IoError(temp_path + ": close failed: " + system_error_text());
  }
  if (::rename(temp_path.c_str(), path.c_str()) != 0) {
    std::string reason = system_error_text();
    ::unlink(temp_path.c_str());
    throw IoError(path + ": cannot replace file: " + reason);
  }
}

}  // namespace

uint16_t round_float_to_bf16_bits(float value) {
  uint32_t bits = float_bits(value);
  if ((bits & 0x7FFFFFFFu) > 0x7F800000u) {
    return static_cast<uint16_t>((bits >> 16) | 0x0040u);  // keep NaN a NaN (set the quiet bit)
  }
  // Adding 0x7FFF plus the lowest kept bit rounds the dropped half to nearest, ties to even;
  // a carry out of the mantissa correctly bumps the exponent (up to infinity).
  uint32_t lowest_kept_bit = (bits >> 16) & 1u;
  return static_cast<uint16_t>((bits + 0x7FFFu + lowest_kept_bit) >> 16);
}

uint16_t round_float_to_f16_bits(float value) {
  uint32_t bits = float_bits(value);
  uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  uint32_t magnitude = bits & 0x7FFFFFFFu;
  if (magnitude > 0x7F800000u) {
    return static_cast<uint16_t>(sign | 0x7E00u | ((magnitude >> 13) & 0x3FFu));
  }
  // 65520 is halfway between the largest half (65504, odd mantissa) and 65536: ties go up to inf.
  if (magnitude >= 0x477FF000u) return static_cast<uint16_t>(sign | 0x7C00u);
  if (magnitude >= 0x38800000u) {  // normal half: rebias exponent 127 -> 15, round 13 dropped bits
    uint32_t lowest_kept_bit = (magnitude >> 13) & 1u;
    uint32_t rebiased = magnitude - (112u << 23);
    return static_cast<uint16_t>(sign | ((rebiased + 0xFFFu + lowest_kept_bit) >> 13));
  }
  // Subnormal half: count units of 2^-24, rounding to nearest, ties to even.
  int exponent = static_cast<int>(magnitude >> 23);
  int shift = 126 - exponent;
  if (shift > 24) return sign;  // below half of the smallest subnormal
  uint32_t mantissa = (magnitude & 0x7FFFFFu) | 0x800000u;
  uint32_t units = mantissa >> shift;
  uint32_t remainder = mantissa & ((1u << shift) - 1u);
  uint32_t halfway = 1u << (shift - 1);
  if (remainder > halfway || (remainder == halfway && (units & 1u))) ++units;
  return static_cast<uint16_t>(sign | units);
}

std::string SafetensorsWriter::dtype_name(DType dtype) {
  switch (dtype) {
    case DType::F32: return "F32";
    case DType::BF16: return "BF16";
    case DType::F16: return "F16";
  }
  return "?";
}

size_t SafetensorsWriter::dtype_size(DType dtype) { return dtype == DType::F32 ? 4 : 2; }

void SafetensorsWriter::add_raw(const std::string& name, DType dtype,
                                const std::vector<int64_t>& shape, std::vector<uint8_t> bytes) {
  if (name.empty() || name == "__metadata__") {
    throw InputError("safetensors writer: invalid tensor name '" + name + "'");
  }
  for (const Tensor& existing : tensors_) {
    if (existing.name == name) throw InputError("safetensors writer: duplicate tensor '" + name + "'");
  }
  uint64_t elements = 1;
  for (int64_t dim : shape) {
    if (dim < 0) throw InputError("safetensors writer: tensor '" + name + "' has a negative dimension");
    elements *= static_cast<uint64_t>(dim);
  }
  if (elements * dtype_size(dtype) != bytes.size()) {
    throw InputError("safetensors writer: tensor '" + name + "' shape " + describe_shape(shape) +
                     " " + dtype_name(dtype) + " needs " +
                     std::to_string(elements * dtype_size(dtype)) + " bytes, got " +
                     std::to_string(bytes.size()));
  }
  tensors_.push_back(Tensor{name, dtype, shape, std::move(bytes)});
}

void SafetensorsWriter::add_floats(const std::string& name, DType dtype,
                                   const std::vector<int64_t>& shape,
                                   const std::vector<float>& values) {
  std::vector<uint8_t> bytes;
  bytes.reserve(values.size() * dtype_size(dtype));
  for (float value : values) {
    if (dtype == DType::F32) {
      uint32_t bits = float_bits(value);
      for (int byte = 0; byte < 4; ++byte) bytes.push_back(static_cast<uint8_t>(bits >> (8 * byte)));
    } else {
      uint16_t bits = dtype == DType::BF16 ? round_float_to_bf16_bits(value)
                                           : round_float_to_f16_bits(value);
      bytes.push_back(static_cast<uint8_t>(bits));
      bytes.push_back(static_cast<uint8_t>(bits >> 8));
    }
  }
  add_raw(name, dtype, shape, std::move(bytes));
}

void SafetensorsWriter::set_metadata(const std::string& key, const std::string& value) {
  metadata_[key] = value;
}

std::vector<const SafetensorsWriter::Tensor*> SafetensorsWriter::tensors_in_file_order() const {
  std::vector<const Tensor*> ordered;
  for (const Tensor& tensor : tensors_) ordered.push_back(&tensor);
  std::sort(ordered.begin(), ordered.end(), [](const Tensor* a, const Tensor* b) {
    int rank_a = file_order_rank(a->dtype), rank_b = file_order_rank(b->dtype);
    return rank_a != rank_b ? rank_a < rank_b : a->name < b->name;
  });
  return ordered;
}

std::vector<uint8_t> SafetensorsWriter::serialize() const {
  std::vector<const Tensor*> ordered = tensors_in_file_order();
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata_.empty()) header["__metadata__"] = metadata_;
  uint64_t offset = 0;
  for (const Tensor* tensor : ordered) {
    uint64_t end = offset + tensor->bytes.size();
    header[tensor->name] = {{"dtype", dtype_name(tensor->dtype)},
                            {"shape", tensor->shape},
                            {"data_offsets", {offset, end}}};
    offset = end;
  }
  std::string header_text = header.dump();
  header_text.append((8 - header_text.size() % 8) % 8, ' ');

  std::vector<uint8_t> file;
  file.reserve(8 + header_text.size() + offset);
  append_u64_le(file, header_text.size());
  file.insert(file.end(), header_text.begin(), header_text.end());
  for (const Tensor* tensor : ordered) {
    file.insert(file.end(), tensor->bytes.begin(), tensor->bytes.end());
  }
  return file;
}

void SafetensorsWriter::write(const std::string& path) const {
  write_file_atomically(path, serialize());
}

}  // namespace rb::io

#pragma once
// Memory-mapped safetensors reader: single files and sharded checkpoints
// (model.safetensors.index.json). Layout: u64 little-endian header length N, N bytes of JSON
// {name: {dtype, shape, data_offsets: [begin, end)}, "__metadata__": {..}}, then the data area;
// offsets are relative to the data area. Everything is validated on open; any malformed input
// throws rb::IoError naming the file (and the tensor where there is one).
// Tensor data is NOT guaranteed to be aligned: copy (memcpy) before reading typed values.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "io/mapped_file.h"

namespace rb::io {

// All dtypes of the format, so that files holding e.g. an I64 buffer still open; only the
// floating types the models use can be read (tensor() rejects the others).
enum class TensorDType { BOOL, U8, I8, U16, I16, F16, BF16, U32, I32, F32, U64, I64, F64, F8_E4M3, F8_E5M2 };

size_t dtype_size(TensorDType dtype);
std::string dtype_name(TensorDType dtype);
bool dtype_is_readable(TensorDType dtype);  // BF16, F16, F32

struct TensorView {
  std::string name;
  std::string file;              // path of the file holding it (for error messages)
  TensorDType dtype = TensorDType::F32;
  std::vector<int64_t> shape;
  const uint8_t* data = nullptr;  // possibly unaligned; valid while the reader lives
  size_t num_bytes = 0;

  int64_t num_elements() const;
};

// One file of weights: a safetensors file, or a PyTorch pickle checkpoint (torch_checkpoint.h).
class WeightFile {
 public:
  virtual ~WeightFile() = default;
  virtual const std::string& path() const = 0;
  virtual std::vector<std::string> tensor_names() const = 0;  // sorted
  virtual bool contains(const std::string& name) const = 0;
  // Shape and dtype without the readability check.
  virtual TensorView describe(const std::string& name) const = 0;
  // Throws rb::IoError if absent or of a dtype the models cannot read.
  TensorView tensor(const std::string& name) const;
};

class SafetensorsFile final : public WeightFile {
 public:
  static constexpr uint64_t kMaxHeaderBytes = 100'000'000;  // same guard as the reference library

  explicit SafetensorsFile(const std::string& path);

  const std::string& path() const override { return file_.path(); }
  std::vector<std::string> tensor_names() const override;
  bool contains(const std::string& name) const override { return tensors_.count(name) != 0; }
  TensorView describe(const std::string& name) const override;
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

 private:
  struct Entry {
    TensorDType dtype;
    std::vector<int64_t> shape;
    size_t begin;
    size_t end;
  };

  void parse_header();
  Entry parse_entry(const std::string& name, const void* json_value, size_t data_size) const;
  void check_no_overlap() const;

  MappedFile file_;
  size_t data_start_ = 0;
  std::map<std::string, Entry> tensors_;
  std::map<std::string, std::string> metadata_;
};

// A Hugging Face model folder's weights: model.safetensors, or the shards listed by
// model.safetensors.index.json ("weight_map": {tensor: shard file}); without safetensors,
// pytorch_model.bin or the shards of pytorch_model.bin.index.json, read by the restricted
// unpickler of torch_checkpoint.h (memory-mapped like safetensors, nothing executed).
class SafetensorsCheckpoint {
 public:
  static SafetensorsCheckpoint open_folder(const std::string& folder);
  static SafetensorsCheckpoint open_file(const std::string& path);
  static SafetensorsCheckpoint open_index(const std::string& index_path);

  std::vector<std::string> tensor_names() const;  // sorted
  bool contains(const std::string& name) const { return owner_.count(name) != 0; }
  TensorView tensor(const std::string& name) const;
  TensorView describe(const std::string& name) const;
  // Where weights come from, for error messages ("model.safetensors" or the index path).
  const std::string& source() const { return source_; }

 private:
  const WeightFile& owner_of(const std::string& name) const;

  std::string source_;
  std::vector<std::unique_ptr<WeightFile>> files_;
  std::map<std::string, size_t> owner_;  // tensor name -> index into files_
};

}  // namespace rb::io

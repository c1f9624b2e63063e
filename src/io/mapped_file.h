#pragma once
// Read-only memory map of a whole file. Weights are read through it so that loading a model
// never needs a second full copy of the checkpoint in host memory.
#include <cstddef>
#include <cstdint>
#include <string>

namespace rb::io {

class MappedFile {
 public:
  // Throws rb::IoError naming the path when the file cannot be opened or mapped.
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  void release() noexcept;

  std::string path_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace rb::io

#pragma once
// The entries of a ZIP archive held in memory (a memory-mapped file), as PyTorch's torch.save
// writes them since 1.6: entries stored uncompressed, ZIP64 records when the archive passes 4 GB.
// Only the central directory is trusted for names and sizes; each entry's data is located
// through its local header. Malformed archives throw rb::IoError naming the file and the entry.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rb::io {

struct ZipEntry {
  std::string name;
  const uint8_t* data = nullptr;  // the stored bytes (method 0 only)
  size_t size = 0;
};

class ZipArchive {
 public:
  // `bytes` must outlive the archive; `source` names it in errors.
  ZipArchive(const uint8_t* bytes, size_t size, std::string source);

  bool contains(const std::string& name) const { return entries_.count(name) != 0; }
  // rb::IoError when absent.
  const ZipEntry& entry(const std::string& name) const;
  std::vector<std::string> names() const;  // sorted

  // Whether `bytes` start like a ZIP archive (local file header signature).
  static bool looks_like_zip(const uint8_t* bytes, size_t size);

 private:
  struct Directory {
    uint64_t entries = 0;
    uint64_t offset = 0;
    uint64_t size = 0;
  };
  Directory find_directory() const;
  void read_directory(const Directory& directory);

  const uint8_t* bytes_;
  size_t size_;
  std::string source_;
  std::map<std::string, ZipEntry> entries_;
};

}  // namespace rb::io

#include "io/zip_archive.h"

#include <algorithm>
#include <cstring>

#include "common/error.h"

namespace rb::io {
namespace {

constexpr uint32_t kLocalHeader = 0x04034b50;
constexpr uint32_t kCentralHeader = 0x02014b50;
constexpr uint32_t kEndOfDirectory = 0x06054b50;
constexpr uint32_t kZip64Locator = 0x07064b50;
constexpr uint32_t kZip64EndOfDirectory = 0x06064b50;
constexpr uint16_t kZip64ExtraId = 0x0001;
constexpr size_t kEndOfDirectorySize = 22;
constexpr size_t kCentralHeaderSize = 46;
constexpr size_t kLocalHeaderSize = 30;

// Little-endian reads with a bounds check against the whole archive.
class Reader {
 public:
  Reader(const uint8_t* bytes, size_t size, const std::string& source) : bytes_(bytes), size_(size), source_(source) {}

  uint64_t read(uint64_t at, int width, const std::string& what) const {
    if (at > size_ || static_cast<uint64_t>(width) > size_ - at)
      throw IoError(source_ + ": ZIP archive truncated (" + what + " at byte " + std::to_string(at) + ")");
    uint64_t value = 0;
    for (int i = width - 1; i >= 0; --i) value = (value << 8) | bytes_[at + static_cast<uint64_t>(i)];
    return value;
  }
  uint16_t u16(uint64_t at, const std::string& what) const { return static_cast<uint16_t>(read(at, 2, what)); }
  uint32_t u32(uint64_t at, const std::string& what) const { return static_cast<uint32_t>(read(at, 4, what)); }
  uint64_t u64(uint64_t at, const std::string& what) const { return read(at, 8, what); }

 private:
  const uint8_t* bytes_;
  size_t size_;
  const std::string& source_;
};

}  // namespace

ZipArchive::ZipArchive(const uint8_t* bytes, size_t size, std::string source)
    : bytes_(bytes), size_(size), source_(std::move(source)) {
  read_directory(find_directory());
}

bool ZipArchive::looks_like_zip(const uint8_t* bytes, size_t size) {
  return size >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4;
}

const ZipEntry& ZipArchive::entry(const std::string& name) const {
  const auto found = entries_.find(name);
  if (found == entries_.end()) throw IoError(source_ + ": the archive has no entry '" + name + "'");
  return found->second;
}

std::vector<std::string> ZipArchive::names() const {
  std::vector<std::string> names;
  for (const auto& [name, entry] : entries_) names.push_back(name);
  return names;
}

// The end-of-central-directory record is the last 22 bytes plus a comment of up to 64 KiB: search
// backwards for its signature; a ZIP64 locator right before it points to the 64-bit record.
ZipArchive::Directory ZipArchive::find_directory() const {
  const Reader in(bytes_, size_, source_);
  if (size_ < kEndOfDirectorySize) throw IoError(source_ + ": too short to be a ZIP archive");
  const uint64_t lowest = size_ > kEndOfDirectorySize + 0xffff ? size_ - kEndOfDirectorySize - 0xffff : 0;
  for (uint64_t at = size_ - kEndOfDirectorySize + 1; at-- > lowest;) {
    if (in.u32(at, "end of central directory") != kEndOfDirectory) continue;
    Directory directory{in.u16(at + 10, "entry count"), in.u32(at + 16, "directory offset"),
                        in.u32(at + 12, "directory size")};
    if (at >= 20 && in.u32(at - 20, "ZIP64 locator") == kZip64Locator) {
      const uint64_t record = in.u64(at - 12, "ZIP64 record offset");
      if (in.u32(record, "ZIP64 end of central directory") != kZip64EndOfDirectory)
        throw IoError(source_ + ": ZIP64 locator points to no ZIP64 end-of-directory record");
      directory = {in.u64(record + 32, "ZIP64 entry count"), in.u64(record + 48, "ZIP64 directory offset"),
                   in.u64(record + 40, "ZIP64 directory size")};
    }
    return directory;
  }
  throw IoError(source_ + ": no ZIP end-of-central-directory record (not a ZIP archive, or truncated)");
}

void ZipArchive::read_directory(const Directory& directory) {
  const Reader in(bytes_, size_, source_);
  uint64_t at = directory.offset;
  for (uint64_t index = 0; index < directory.entries; ++index) {
    if (in.u32(at, "central directory entry") != kCentralHeader)
      throw IoError(source_ + ": central directory entry " + std::to_string(index) + " has a bad signature");
    const uint16_t method = in.u16(at + 10, "method");
    uint64_t compressed = in.u32(at + 20, "compressed size");
    uint64_t size = in.u32(at + 24, "size");
    const uint16_t name_length = in.u16(at + 28, "name length");
    const uint16_t extra_length = in.u16(at + 30, "extra length");
    const uint16_t comment_length = in.u16(at + 32, "comment length");
    uint64_t local = in.u32(at + 42, "local header offset");
    in.read(at + kCentralHeaderSize, 0, "name");
    if (name_length > size_ - (at + kCentralHeaderSize)) throw IoError(source_ + ": central directory name truncated");
    const std::string name(reinterpret_cast<const char*>(bytes_ + at + kCentralHeaderSize), name_length);
    // ZIP64: the 32-bit fields that hold 0xffffffff are in the extra field, in this order.
    for (uint64_t extra = at + kCentralHeaderSize + name_length, end = extra + extra_length; extra + 4 <= end;) {
      const uint16_t id = in.u16(extra, "extra id"), length = in.u16(extra + 2, "extra length");
      if (id == kZip64ExtraId) {
        uint64_t field = extra + 4;
        if (size == 0xffffffffu) size = in.u64(field, "ZIP64 size"), field += 8;
        if (compressed == 0xffffffffu) compressed = in.u64(field, "ZIP64 compressed size"), field += 8;
        if (local == 0xffffffffu) local = in.u64(field, "ZIP64 local offset");
      }
      extra += 4 + static_cast<uint64_t>(length);
    }
    if (method != 0)
      throw IoError(source_ + ": entry '" + name + "' is compressed (method " + std::to_string(method) +
                    "); torch.save stores entries uncompressed, so this archive was repacked: re-save it with torch");
    if (compressed != size) throw IoError(source_ + ": entry '" + name + "' has different stored and plain sizes");
    if (in.u32(local, "local header of " + name) != kLocalHeader)
      throw IoError(source_ + ": entry '" + name + "' has no local header where the directory says");
    const uint64_t data = local + kLocalHeaderSize + in.u16(local + 26, "local name length") +
                          in.u16(local + 28, "local extra length");
    if (data > size_ || size > size_ - data)
      throw IoError(source_ + ": entry '" + name + "' runs past the end of the file (truncated download?)");
    entries_[name] = ZipEntry{name, bytes_ + data, static_cast<size_t>(size)};
    at += kCentralHeaderSize + name_length + extra_length + comment_length;
  }
}

}  // namespace rb::io

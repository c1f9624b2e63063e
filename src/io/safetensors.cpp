#include "io/safetensors.h"
#include "io/torch_checkpoint.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "common/error.h"
#include "common/file_io.h"

namespace rb::io {
namespace {

using nlohmann::json;

struct DTypeRow {
  TensorDType dtype;
  const char* name;
  size_t size;
};

constexpr DTypeRow kDTypes[] = {
    {TensorDType::BOOL, "BOOL", 1}, {TensorDType::U8, "U8", 1},     {TensorDType::I8, "I8", 1},
    {TensorDType::U16, "U16", 2},   {TensorDType::I16, "I16", 2},   {TensorDType::F16, "F16", 2},
    {TensorDType::BF16, "BF16", 2}, {TensorDType::U32, "U32", 4},   {TensorDType::I32, "I32", 4},
    {TensorDType::F32, "F32", 4},   {TensorDType::U64, "U64", 8},   {TensorDType::I64, "I64", 8},
    {TensorDType::F64, "F64", 8},   {TensorDType::F8_E4M3, "F8_E4M3", 1},
    {TensorDType::F8_E5M2, "F8_E5M2", 1},
};

const DTypeRow& row_of(TensorDType dtype) {
  for (const auto& row : kDTypes)
    if (row.dtype == dtype) return row;
  throw IoError("internal: unknown tensor dtype enum");
}

IoError file_error(const std::string& path, const std::string& what) {
  return IoError("safetensors file " + path + ": " + what);
}

IoError tensor_error(const std::string& path, const std::string& tensor, const std::string& what) {
  return IoError("safetensors file " + path + ", tensor '" + tensor + "': " + what);
}

uint64_t read_u64_le(const uint8_t* bytes) {
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | bytes[i];
  return value;
}

// Reads a JSON non-negative integer that must fit in size_t / int64.
bool as_count(const json& value, uint64_t& out) {
  if (value.is_number_unsigned()) {
    out = value.get<uint64_t>();
    return out <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  }
  if (value.is_number_integer()) {
    int64_t signed_value = value.get<int64_t>();
    if (signed_value < 0) return false;
    out = static_cast<uint64_t>(signed_value);
    return true;
  }
  return false;
}

bool checked_multiply(uint64_t a, uint64_t b, uint64_t& out) {
  if (a != 0 && b > std::numeric_limits<uint64_t>::max() / a) return false;
  out = a * b;
  return true;
}

}  // namespace

size_t dtype_size(TensorDType dtype) { return row_of(dtype).size; }
std::string dtype_name(TensorDType dtype) { return row_of(dtype).name; }
bool dtype_is_readable(TensorDType dtype) {
  return dtype == TensorDType::F32 || dtype == TensorDType::F16 || dtype == TensorDType::BF16;
}

int64_t TensorView::num_elements() const {
  int64_t count = 1;
  for (int64_t dim : shape) count *= dim;
  return count;
}

SafetensorsFile::SafetensorsFile(const std::string& path) : file_(path) { parse_header(); }

void SafetensorsFile::parse_header() {
  const std::string& path = file_.path();
  if (file_.size() < 8)
    throw file_error(path, "truncated: " + std::to_string(file_.size()) +
                               " bytes, too short for the 8-byte header length");
  uint64_t header_length = read_u64_le(file_.data());
  if (header_length > kMaxHeaderBytes)
    throw file_error(path, "header length " + std::to_string(header_length) + " exceeds the " +
                               std::to_string(kMaxHeaderBytes) + "-byte limit");
  if (header_length > file_.size() - 8)
    throw file_error(path, "header length " + std::to_string(header_length) +
                               " runs past the end of the file (" + std::to_string(file_.size()) +
                               " bytes): truncated file?");
  data_start_ = 8 + static_cast<size_t>(header_length);
  const size_t data_size = file_.size() - data_start_;

  json header;
  try {
    header = json::parse(file_.data() + 8, file_.data() + data_start_);
  } catch (const json::exception& error) {
    throw file_error(path, std::string("header is not valid JSON: ") + error.what());
  }
  if (!header.is_object()) throw file_error(path, "header JSON is not an object");

  for (auto item = header.begin(); item != header.end(); ++item) {
    if (item.key() == "__metadata__") {
      if (!item.value().is_object()) throw file_error(path, "__metadata__ is not an object");
      for (auto meta = item.value().begin(); meta != item.value().end(); ++meta)
        metadata_[meta.key()] = meta.value().is_string() ? meta.value().get<std::string>()
                                                         : meta.value().dump();
      continue;
    }
    tensors_.emplace(item.key(), parse_entry(item.key(), &item.value(), data_size));
  }
  check_no_overlap();
}

SafetensorsFile::Entry SafetensorsFile::parse_entry(const std::string& name,
                                                    const void* json_value,
                                                    size_t data_size) const {
  const json& value = *static_cast<const json*>(json_value);
  const std::string& path = file_.path();
  if (!value.is_object()) throw tensor_error(path, name, "entry is not an object");
  if (!value.contains("dtype") || !value["dtype"].is_string())
    throw tensor_error(path, name, "missing or non-string 'dtype'");
  if (!value.contains("shape") || !value["shape"].is_array())
    throw tensor_error(path, name, "missing or non-array 'shape'");
  if (!value.contains("data_offsets") || !value["data_offsets"].is_array() ||
      value["data_offsets"].size() != 2)
    throw tensor_error(path, name, "'data_offsets' must be an array [begin, end]");

  Entry entry{};
  const std::string dtype = value["dtype"].get<std::string>();
  bool known = false;
  for (const auto& row : kDTypes) {
    if (dtype == row.name) {
      entry.dtype = row.dtype;
      known = true;
    }
  }
  if (!known) throw tensor_error(path, name, "unknown dtype '" + dtype + "'");

  uint64_t element_count = 1;
  for (const json& dim : value["shape"]) {
    uint64_t extent = 0;
    if (!as_count(dim, extent))
      throw tensor_error(path, name, "shape entries must be non-negative integers, got " + dim.dump());
    if (!checked_multiply(element_count, extent, element_count))
      throw tensor_error(path, name, "shape " + value["shape"].dump() + " overflows");
    entry.shape.push_back(static_cast<int64_t>(extent));
  }
  uint64_t expected_bytes = 0;
  if (!checked_multiply(element_count, dtype_size(entry.dtype), expected_bytes))
    throw tensor_error(path, name, "shape " + value["shape"].dump() + " overflows");

  uint64_t begin = 0, end = 0;
  if (!as_count(value["data_offsets"][0], begin) || !as_count(value["data_offsets"][1], end))
    throw tensor_error(path, name, "data_offsets must be non-negative integers");
  if (begin > end)
    throw tensor_error(path, name, "data_offsets begin " + std::to_string(begin) + " > end " +
                                       std::to_string(end));
  if (end > data_size)
    throw tensor_error(path, name, "data_offsets end " + std::to_string(end) +
                                       " lies outside the data area (" + std::to_string(data_size) +
                                       " bytes)");
  if (end - begin != expected_bytes)
    throw tensor_error(path, name, "data_offsets span " + std::to_string(end - begin) +
                                       " bytes but shape " + value["shape"].dump() + " of " + dtype +
                                       " needs " + std::to_string(expected_bytes));
  entry.begin = static_cast<size_t>(begin);
  entry.end = static_cast<size_t>(end);
  return entry;
}

void SafetensorsFile::check_no_overlap() const {
  std::vector<std::pair<const std::string*, const Entry*>> by_offset;
  for (const auto& [name, entry] : tensors_)
    if (entry.end > entry.begin) by_offset.emplace_back(&name, &entry);  // empty tensors own no bytes
  std::sort(by_offset.begin(), by_offset.end(),
            [](const auto& a, const auto& b) { return a.second->begin < b.second->begin; });
  for (size_t i = 1; i < by_offset.size(); ++i) {
    if (by_offset[i].second->begin < by_offset[i - 1].second->end)
      throw tensor_error(file_.path(), *by_offset[i].first,
                         "data overlaps tensor '" + *by_offset[i - 1].first + "'");
  }
}

std::vector<std::string> SafetensorsFile::tensor_names() const {
  std::vector<std::string> names;
  for (const auto& item : tensors_) names.push_back(item.first);
  return names;
}

TensorView SafetensorsFile::describe(const std::string& name) const {
  auto found = tensors_.find(name);
  if (found == tensors_.end()) throw tensor_error(file_.path(), name, "no such tensor");
  const Entry& entry = found->second;
  TensorView view;
  view.name = name;
  view.file = file_.path();
  view.dtype = entry.dtype;
  view.shape = entry.shape;
  view.data = file_.data() + data_start_ + entry.begin;
  view.num_bytes = entry.end - entry.begin;
  return view;
}

TensorView WeightFile::tensor(const std::string& name) const {
  TensorView view = describe(name);
  if (!dtype_is_readable(view.dtype))
    throw tensor_error(path(), name, "dtype " + dtype_name(view.dtype) + " is unsupported (supported: BF16, F16, F32)");
  return view;
}

namespace {

// A weight file by its name: safetensors, else a PyTorch checkpoint (.bin, .pt, .pth).
std::unique_ptr<WeightFile> open_weight_file(const std::string& path) {
  const std::string extension = std::filesystem::path(path).extension().string();
  if (extension == ".bin" || extension == ".pt" || extension == ".pth")
    return std::make_unique<TorchCheckpointFile>(path);
  return std::make_unique<SafetensorsFile>(path);
}

}  // namespace

// transformers' order: safetensors first, then the pickle checkpoints.
SafetensorsCheckpoint SafetensorsCheckpoint::open_folder(const std::string& folder) {
  namespace fs = std::filesystem;
  for (const char* single : {"model.safetensors", "pytorch_model.bin"}) {
    const fs::path file = fs::path(folder) / single;
    const fs::path index = fs::path(folder) / (std::string(single) + ".index.json");
    if (fs::exists(file)) return open_file(file.string());
    if (fs::exists(index)) return open_index(index.string());
  }
  throw IoError("no model.safetensors, model.safetensors.index.json, pytorch_model.bin or pytorch_model.bin.index.json in " +
                folder);
}

SafetensorsCheckpoint SafetensorsCheckpoint::open_file(const std::string& path) {
  SafetensorsCheckpoint checkpoint;
  checkpoint.source_ = path;
  checkpoint.files_.push_back(open_weight_file(path));
  for (const std::string& name : checkpoint.files_.front()->tensor_names()) checkpoint.owner_[name] = 0;
  return checkpoint;
}

SafetensorsCheckpoint SafetensorsCheckpoint::open_index(const std::string& index_path) {
  namespace fs = std::filesystem;
  json index;
  try {
    index = json::parse(read_file(index_path));
  } catch (const json::exception& error) {
    throw IoError("weight index " + index_path + ": not valid JSON: " + error.what());
  }
  if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object())
    throw IoError("weight index " + index_path + ": missing object 'weight_map'");

  SafetensorsCheckpoint checkpoint;
  checkpoint.source_ = index_path;
  const fs::path folder = fs::path(index_path).parent_path();
  std::map<std::string, size_t> shard_slot;
  for (auto item = index["weight_map"].begin(); item != index["weight_map"].end(); ++item) {
    if (!item.value().is_string())
      throw IoError("weight index " + index_path + ": weight_map entry '" + item.key() +
                    "' is not a file name");
    const std::string shard = item.value().get<std::string>();
    if (fs::path(shard).is_absolute() || shard.find("..") != std::string::npos)
      throw IoError("weight index " + index_path + ": shard name '" + shard +
                    "' must be a plain file name inside the folder");
    auto slot = shard_slot.find(shard);
    if (slot == shard_slot.end()) {
      checkpoint.files_.push_back(open_weight_file((folder / shard).string()));
      slot = shard_slot.emplace(shard, checkpoint.files_.size() - 1).first;
    }
    if (!checkpoint.files_[slot->second]->contains(item.key()))
      throw IoError("weight index " + index_path + ": tensor '" + item.key() +
                    "' is mapped to " + shard + " which does not contain it");
    checkpoint.owner_[item.key()] = slot->second;
  }
  return checkpoint;
}

std::vector<std::string> SafetensorsCheckpoint::tensor_names() const {
  std::vector<std::string> names;
  for (const auto& item : owner_) names.push_back(item.first);
  return names;
}

const WeightFile& SafetensorsCheckpoint::owner_of(const std::string& name) const {
  auto found = owner_.find(name);
  if (found == owner_.end()) throw IoError("tensor '" + name + "' not found in " + source_);
  return *files_[found->second];
}

TensorView SafetensorsCheckpoint::tensor(const std::string& name) const {
  return owner_of(name).tensor(name);
}

TensorView SafetensorsCheckpoint::describe(const std::string& name) const {
  return owner_of(name).describe(name);
}

}  // namespace rb::io

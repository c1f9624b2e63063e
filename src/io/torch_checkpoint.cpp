#include "io/torch_checkpoint.h"

#include "common/error.h"
#include "io/zip_archive.h"

namespace rb::io {
namespace {

// The archive's root folder: the entry "<root>/data.pkl" (torch names it after the file).
std::string archive_root(const ZipArchive& archive, const std::string& path) {
  for (const std::string& name : archive.names()) {
    const size_t slash = name.find('/');
    if (slash != std::string::npos && name.substr(slash + 1) == "data.pkl") return name.substr(0, slash);
  }
  throw IoError(path + ": a ZIP archive without <root>/data.pkl is not a PyTorch checkpoint");
}

bool is_contiguous(const PickledTensor& tensor) {
  int64_t expected = 1;
  for (size_t i = tensor.shape.size(); i-- > 0;) {
    if (tensor.shape[i] != 1 && tensor.stride[i] != expected) return false;
    expected *= tensor.shape[i];
  }
  return true;
}

TensorView view_of(const PickledTensor& tensor, const ZipEntry& storage, const std::string& path) {
  auto error = [&](const std::string& why) { return IoError(path + ": tensor '" + tensor.name + "': " + why); };
  int64_t elements = 1;
  for (int64_t dim : tensor.shape) {
    if (dim < 0) throw error("has a negative dimension");
    elements *= dim;
  }
  if (!is_contiguous(tensor))
    throw error("is not contiguous in its storage (a transposed or strided view); re-save the state dict after "
                ".contiguous()");
  const size_t element = dtype_size(tensor.dtype);
  if (tensor.storage_offset < 0) throw error("has a negative storage offset");
  const auto begin = static_cast<size_t>(tensor.storage_offset) * element;
  const auto bytes = static_cast<size_t>(elements) * element;
  if (begin > storage.size || bytes > storage.size - begin)
    throw error("reaches past the end of its storage data/" + tensor.storage_key + " (truncated or corrupt file)");
  TensorView view;
  view.name = tensor.name;
  view.file = path;
  view.dtype = tensor.dtype;
  view.shape = tensor.shape;
  view.data = storage.data + begin;
  view.num_bytes = bytes;
  return view;
}

}  // namespace

TorchCheckpointFile::TorchCheckpointFile(const std::string& path) : file_(path) {
  if (!ZipArchive::looks_like_zip(file_.data(), file_.size()))
    throw IoError(path + ": not a ZIP-format PyTorch checkpoint (the legacy format of torch < 1.6 is not supported; "
                         "re-save it with a current torch, or convert it to safetensors)");
  const ZipArchive archive(file_.data(), file_.size(), path);
  const std::string root = archive_root(archive, path);
  const ZipEntry& pickle = archive.entry(root + "/data.pkl");
  for (const PickledTensor& tensor : read_pickled_state_dict(pickle.data, pickle.size, path)) {
    const std::string storage = root + "/data/" + tensor.storage_key;
    if (!archive.contains(storage))
      throw IoError(path + ": tensor '" + tensor.name + "' refers to storage " + storage + ", which is missing");
    tensors_[tensor.name] = view_of(tensor, archive.entry(storage), path);
  }
}

std::vector<std::string> TorchCheckpointFile::tensor_names() const {
  std::vector<std::string> names;
  for (const auto& [name, view] : tensors_) names.push_back(name);
  return names;
}

TensorView TorchCheckpointFile::describe(const std::string& name) const {
  const auto found = tensors_.find(name);
  if (found == tensors_.end()) throw IoError(path() + ": tensor '" + name + "': no such tensor");
  return found->second;
}

}  // namespace rb::io

#pragma once
// A restricted reader of the pickle that torch.save writes for a state dict (data.pkl inside
// the checkpoint's ZIP archive). It runs the pickle opcodes without executing anything: the only
// globals it accepts are those a tensor state dict needs (collections.OrderedDict,
// torch._utils._rebuild_tensor_v2 / _rebuild_tensor / _rebuild_parameter, and the torch.*Storage
// type tags of the persistent ids); any other global (os.system, builtins.eval, ...) is refused
// with rb::IoError naming the file and the global, before anything else is read.
// Facts of the format: pickle protocols 2-5 (torch.save uses 2), persistent ids
// ('storage', <storage type>, key, location, numel), tensors rebuilt from
// (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]).
#include <cstdint>
#include <string>
#include <vector>

#include "io/safetensors.h"

namespace rb::io {

// One tensor of a state dict: a view of storage `storage_key` (archive entry data/<key>).
struct PickledTensor {
  std::string name;
  std::string storage_key;
  TensorDType dtype = TensorDType::F32;
  int64_t storage_offset = 0;  // in elements
  std::vector<int64_t> shape;
  std::vector<int64_t> stride;
};

// The tensors of the state dict pickled in `bytes` (a flat {name: tensor} dict; entries that are
// not tensors, like a `_metadata` attribute, are skipped). `source` names the file in errors.
std::vector<PickledTensor> read_pickled_state_dict(const uint8_t* bytes, size_t size, const std::string& source);

}  // namespace rb::io

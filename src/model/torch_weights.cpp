#include "model/torch_weights.h"

#include <cstring>

#include "common/error.h"

namespace rb::model {
namespace {

at::ScalarType storage_type(io::TensorDType dtype) {
  switch (dtype) {
    case io::TensorDType::F32: return at::kFloat;
    case io::TensorDType::F16: return at::kHalf;
    case io::TensorDType::BF16: return at::kBFloat16;
    default: break;
  }
  throw ModelError("internal: unreadable dtype " + io::dtype_name(dtype));
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

// A host tensor over the mapped bytes (no copy) when they are aligned for their type; else an
// aligned copy of this one tensor (safetensors does not promise alignment).
at::Tensor host_view(const io::TensorView& view) {
  const at::ScalarType type = storage_type(view.dtype);
  const size_t element_size = io::dtype_size(view.dtype);
  if (reinterpret_cast<uintptr_t>(view.data) % element_size == 0) {
    return at::from_blob(const_cast<uint8_t*>(view.data), view.shape, at::TensorOptions().dtype(type));
  }
  at::Tensor copy = at::empty(view.shape, at::TensorOptions().dtype(type));
  std::memcpy(copy.data_ptr(), view.data, view.num_bytes);
  return copy;
}

}  // namespace

at::Tensor WeightLoader::load(const std::string& name, const std::vector<int64_t>& expected_shape) {
  if (!checkpoint_.contains(name))
    throw ModelError("missing weight '" + name + "' in " + checkpoint_.source());
  io::TensorView view;
  try {
    view = checkpoint_.tensor(name);
  } catch (const IoError& error) {
    throw ModelError(error.what());
  }
  if (view.shape != expected_shape)
    throw ModelError("weight '" + name + "' in " + view.file + " has shape " + shape_text(view.shape) +
                     ", expected " + shape_text(expected_shape) + " from config.json");
  at::Tensor host = host_view(view);
  // Move in the stored dtype, convert on the device: one tensor at a time, never a second
  // full host copy of the model. copy=true so nothing keeps pointing into the mapping.
  at::Tensor result;
  if (device_.is_cpu()) {
    result = host.to(dtype_, /*non_blocking=*/false, /*copy=*/true);
  } else {
    result = host.to(device_, host.scalar_type(), /*non_blocking=*/false, /*copy=*/true).to(dtype_);
  }
  parameters_loaded_ += result.numel();
  return result;
}

}  // namespace rb::model

#pragma once
// Safetensors tensors -> torch tensors in the compute dtype on the target device.
// Internal to src/model (includes ATen); the rest of the project never sees it.
#include <ATen/ATen.h>

#include <string>
#include <vector>

#include "io/safetensors.h"

namespace rb::model {

class WeightLoader {
 public:
  WeightLoader(const io::SafetensorsCheckpoint& checkpoint, at::ScalarType dtype, at::Device device)
      : checkpoint_(checkpoint), dtype_(dtype), device_(device) {}

  // Throws rb::ModelError naming the tensor and file when it is missing or mis-shaped.
  at::Tensor load(const std::string& name, const std::vector<int64_t>& expected_shape);
  bool contains(const std::string& name) const { return checkpoint_.contains(name); }
  int64_t parameters_loaded() const { return parameters_loaded_; }

 private:
  const io::SafetensorsCheckpoint& checkpoint_;
  at::ScalarType dtype_;
  at::Device device_;
  int64_t parameters_loaded_ = 0;
};

}  // namespace rb::model

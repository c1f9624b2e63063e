#pragma once
// Rotary-embedding inverse frequencies exactly as transformers' modeling_rope_utils computes
// them (default, linear, llama3), in float32 with the same torch ops. Torch-free header.
#include <cstdint>
#include <vector>

#include "model/model_config.h"

namespace rb::model {

// head_dim / 2 values; attention scaling is 1.0 for all supported rope types.
std::vector<float> rope_inv_freq(const RopeConfig& rope, int64_t head_dim);

}  // namespace rb::model

#include "model/rope.h"

#include <ATen/ATen.h>

#include <cmath>

namespace rb::model {
namespace {

constexpr double kPi = 3.141592653589793;  // Python's math.pi

// transformers: 1.0 / (base ** (arange(0, dim, 2, int64).float() / dim)); Python's 1.0 / t is
// t.reciprocal() * 1.0, reproduced literally so results match bit for bit.
at::Tensor default_inv_freq(double theta, int64_t dim) {
  at::Tensor exponents = at::arange(0, dim, 2, at::kLong).to(at::kFloat) / dim;
  return at::reciprocal(at::pow(theta, exponents)) * 1.0;
}

// _compute_llama3_parameters, op for op (Python scalars divide tensors via reciprocal * scalar).
at::Tensor llama3_inv_freq(const at::Tensor& inv_freq, const RopeConfig& rope) {
  const double factor = rope.factor;
  const double low = rope.low_freq_factor;
  const double high = rope.high_freq_factor;
  const int64_t old_context = rope.original_max_position_embeddings;
  const double low_freq_wavelen = static_cast<double>(old_context) / low;
  const double high_freq_wavelen = static_cast<double>(old_context) / high;

  at::Tensor wavelen = at::reciprocal(inv_freq) * (2 * kPi);
  at::Tensor scaled = at::where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq);
  at::Tensor smooth = (at::reciprocal(wavelen) * old_context - low) / (high - low);
  at::Tensor smoothed = at::rsub(smooth, 1) * scaled / factor + smooth * scaled;
  at::Tensor is_medium = at::logical_not(wavelen < high_freq_wavelen) * at::logical_not(wavelen > low_freq_wavelen);
  return at::where(is_medium, smoothed, scaled);
}

}  // namespace

std::vector<float> rope_inv_freq(const RopeConfig& rope, int64_t head_dim) {
  const int64_t dim = static_cast<int64_t>(static_cast<double>(head_dim) * rope.partial_rotary_factor);
  at::Tensor inv_freq = default_inv_freq(rope.theta, dim);
  if (rope.type == RopeType::Linear) inv_freq = inv_freq / rope.factor;
  if (rope.type == RopeType::Llama3) inv_freq = llama3_inv_freq(inv_freq, rope);
  inv_freq = inv_freq.contiguous();
  const float* values = inv_freq.data_ptr<float>();
  return std::vector<float>(values, values + inv_freq.numel());
}

}  // namespace rb::model

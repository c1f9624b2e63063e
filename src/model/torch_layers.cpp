#include "model/torch_layers.h"

#include <torch/version.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/error.h"

// SDPA takes an explicit scale from libtorch 2.1 on; older 2.0 builds use the eager path when
// the scale is not the default head_dim^-0.5.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
#define RB_SDPA_HAS_SCALE 1
#else
#define RB_SDPA_HAS_SCALE 0
#endif

namespace rb::model::layers {

at::Tensor Linear::operator()(const at::Tensor& input) const {
  if (!fixed_tiles || !input.is_cpu()) return at::linear(input, weight, bias);
  const int64_t rows = input.size(0);
  at::Tensor output = at::empty({rows, weight.size(0)}, input.options());
  int64_t first = 0;
  for (; first + kInvariantTileRows <= rows; first += kInvariantTileRows)
    tile_into(input.slice(0, first, first + kInvariantTileRows), output.slice(0, first, first + kInvariantTileRows));
  if (first < rows) {  // last partial tile: zero-padded to the full tile shape
    at::Tensor padded = at::zeros({kInvariantTileRows, input.size(1)}, input.options());
    padded.slice(0, 0, rows - first).copy_(input.slice(0, first, rows));
    at::Tensor result = at::empty({kInvariantTileRows, weight.size(0)}, input.options());
    tile_into(padded, result);
    output.slice(0, first, rows).copy_(result.slice(0, 0, rows - first));
  }
  return output;
}

// Exactly what at::linear does for 2-D inputs (addmm with a bias, mm without), written in place.
void Linear::tile_into(const at::Tensor& input, at::Tensor output) const {
  if (bias.defined()) {
    at::addmm_out(output, bias, input, weight.t());
  } else {
    at::mm_out(output, input, weight.t());
  }
}

Linear load_linear(WeightLoader& loader, const std::string& name, int64_t out, int64_t in, bool bias,
                   bool fixed_tiles) {
  Linear linear;
  linear.fixed_tiles = fixed_tiles;
  linear.weight = loader.load(name + ".weight", {out, in});
  if (bias) linear.bias = loader.load(name + ".bias", {out});
  return linear;
}

ComputeTarget resolve_compute_target(const LoadOptions& options) {
  ComputeTarget target;
  if (options.dtype == DType::BFloat16) target.dtype = at::kBFloat16;
  if (options.dtype == DType::Float16) target.dtype = at::kHalf;
  try {
    target.device = at::Device(options.device);
  } catch (const c10::Error&) {
    throw InputError("unknown device '" + options.device + "' (use cpu, cuda or cuda:N)");
  }
  if (target.device.is_cuda() && !at::hasCUDA())
    throw ModelError("device '" + options.device + "' requested but this libtorch has no CUDA");
  if (!target.device.is_cpu() && !target.device.is_cuda())
    throw InputError("unsupported device '" + options.device + "'");
  target.reference_layout =
      target.device.is_cuda() && options.attn_implementation != AttnImplementation::FlashAttention2;
  target.eager_attention = options.attn_implementation == AttnImplementation::Eager;
  if (target.device.is_cpu() && target.dtype == at::kHalf)
    throw ModelError("float16 compute is only supported on CUDA (CPU half kernels are incomplete); use float32 or bfloat16");
  return target;
}

at::Tensor to_device(const std::vector<int64_t>& values, const at::Device& device) {
  at::Tensor host = at::empty({static_cast<int64_t>(values.size())}, at::kLong);
  std::copy(values.begin(), values.end(), host.data_ptr<int64_t>());
  return device.is_cpu() ? host : host.to(device);
}

at::Tensor to_device(const std::vector<float>& values, const at::Device& device) {
  at::Tensor host = at::empty({static_cast<int64_t>(values.size())}, at::kFloat);
  std::copy(values.begin(), values.end(), host.data_ptr<float>());
  return device.is_cpu() ? host : host.to(device);
}

PackedSpans trim_to_pooled(const PackedBatch& batch) {
  PackedSpans spans;
  for (size_t i = 0; i < batch.num_sequences(); ++i) {
    const int64_t length = batch.pool_index[i] + 1;
    const int64_t start = static_cast<int64_t>(spans.token_ids.size());
    spans.begin.push_back(start);
    spans.length.push_back(length);
    spans.pooled_row.push_back(start + length - 1);
    for (int64_t t = 0; t < length; ++t) {
      spans.token_ids.push_back(batch.token_ids[static_cast<size_t>(batch.offsets[i] + t)]);
      spans.positions.push_back(batch.position_start[i] + t);
    }
  }
  return spans;
}

PackedSpans whole_sequences(const PackedBatch& batch) {
  PackedSpans spans;
  spans.token_ids.assign(batch.token_ids.begin(), batch.token_ids.end());
  for (size_t i = 0; i + 1 < batch.offsets.size(); ++i) {
    const int64_t begin = batch.offsets[i];
    const int64_t length = batch.offsets[i + 1] - begin;
    spans.begin.push_back(begin);
    spans.length.push_back(length);
    spans.pooled_row.push_back(begin + length - 1);
    for (int64_t t = 0; t < length; ++t) spans.positions.push_back(batch.position_start[i] + t);
  }
  return spans;
}

void pad_to_multiple(PackedSpans& spans, int64_t rows) {
  while (spans.token_ids.size() % static_cast<size_t>(rows) != 0) {
    spans.token_ids.push_back(0);
    spans.positions.push_back(0);
  }
}

std::vector<int64_t> padded_copy(std::vector<int64_t> values, int64_t rows) {
  while (values.size() % static_cast<size_t>(rows) != 0) values.push_back(0);
  return values;
}

at::Tensor with_padding_rows(const at::Tensor& rows, int64_t total) {
  if (rows.size(0) == total) return rows;
  return at::cat({rows, at::zeros({total - rows.size(0), rows.size(1)}, rows.options())}, 0);
}

at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps) {
  at::Tensor x32 = x.to(at::kFloat);
  at::Tensor variance = x32.pow(2).mean(-1, /*keepdim=*/true);
  x32 = x32 * at::rsqrt(variance + eps);
  return weight * x32.to(x.scalar_type());
}

at::Tensor rotate_half(const at::Tensor& x) {
  const int64_t half = x.size(-1) / 2;
  return at::cat({-x.slice(-1, half), x.slice(-1, 0, half)}, -1);
}

at::Tensor apply_rotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) {
  return x * cos.unsqueeze(1) + rotate_half(x) * sin.unsqueeze(1);
}

std::pair<at::Tensor, at::Tensor> rotary_tables(const at::Tensor& positions, const at::Tensor& inv_freq,
                                                at::ScalarType dtype) {
  at::Tensor freqs = positions.to(at::kFloat).unsqueeze(1) * inv_freq.unsqueeze(0);
  at::Tensor angles = at::cat({freqs, freqs}, -1);
  if (angles.device().is_cpu()) {
    // A float32 cos/sin over a large CPU tensor rounds an element by where it falls among the
    // vectorised and scalar code paths, which moves with the batch (StableLM's partial-rotary
    // tables changed scores' last bits with the batch they were packed into). In float64, then
    // rounded to float32, every element gets the same value in any batch; it differs from a
    // float32 evaluation by at most one float32 ulp.
    const at::Tensor wide = angles.to(at::kDouble);
    return {wide.cos().to(at::kFloat).to(dtype), wide.sin().to(at::kFloat).to(dtype)};
  }
  return {angles.cos().to(dtype), angles.sin().to(dtype)};
}

at::Tensor repeat_kv(const at::Tensor& kv, int64_t heads) {
  const int64_t heads_axis = kv.dim() - 3;
  const int64_t kv_heads = kv.size(heads_axis);
  if (kv_heads == heads) return kv;
  std::vector<int64_t> expanded = kv.sizes().vec();
  expanded.insert(expanded.begin() + heads_axis + 1, heads / kv_heads);
  std::vector<int64_t> merged = kv.sizes().vec();
  merged[static_cast<size_t>(heads_axis)] = heads;
  return kv.unsqueeze(heads_axis + 1).expand(expanded).reshape(merged);
}

at::Tensor blocked_mask(int64_t first_row, int64_t rows, int64_t kv_begin, int64_t kv_end,
                        std::optional<int64_t> window, const at::Device& device) {
  at::Tensor query_index = at::arange(first_row, first_row + rows, at::TensorOptions().dtype(at::kLong).device(device)).unsqueeze(1);
  at::Tensor key_index = at::arange(kv_begin, kv_end, at::TensorOptions().dtype(at::kLong).device(device)).unsqueeze(0);
  at::Tensor blocked = key_index > query_index;
  if (window) blocked = at::logical_or(blocked, key_index <= query_index - *window);
  return blocked;
}

namespace {

// Fused SDPA on CUDA cannot soft-cap logits; without an explicit-scale API it only does head_dim^-0.5.
bool uses_fused_sdpa(const at::Tensor& q, const AttentionParams& params) {
#if TORCH_VERSION_MAJOR >= 2
  if (q.is_cpu() || params.logit_softcap) return false;
  // float32 with a mask goes to the memory-efficient kernel, which gave scores off by up to 1.6 on
  // a few sequence lengths (65, 129, 577 tokens; H200, PyTorch 2.11: tools/parity/check_cuda_parity.py).
  // float32 on CUDA is a parity mode, not a speed mode: use the exact eager path there.
  if (q.scalar_type() == at::kFloat) return false;
#if RB_SDPA_HAS_SCALE
  return true;
#else
  return params.scale == std::pow(static_cast<double>(q.size(-1)), -0.5);
#endif
#else
  (void)q, (void)params;
  return false;
#endif
}

}  // namespace

at::Tensor attend_rows(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t first_row,
                       const AttentionParams& params) {
  const int64_t rows = q.size(1);
  const int64_t kv_end = first_row + rows;
  const int64_t kv_begin = params.window ? std::max<int64_t>(0, first_row - *params.window + 1) : 0;
  at::Tensor keys = k.slice(1, kv_begin, kv_end);
  at::Tensor values = v.slice(1, kv_begin, kv_end);
#if TORCH_VERSION_MAJOR >= 2
  if (uses_fused_sdpa(q, params)) {
    // CUDA: fused SDPA. A single query row (the pooled one) sees every kept key, so no mask.
    c10::optional<at::Tensor> allowed;
    if (rows > 1)
      allowed = at::logical_not(blocked_mask(first_row, rows, kv_begin, kv_end, params.window, q.device()));
#if RB_SDPA_HAS_SCALE
    return at::scaled_dot_product_attention(q.unsqueeze(0), keys.unsqueeze(0), values.unsqueeze(0), allowed, 0.0,
                                            false, params.scale)
        .squeeze(0);
#else
    return at::scaled_dot_product_attention(q.unsqueeze(0), keys.unsqueeze(0), values.unsqueeze(0), allowed)
        .squeeze(0);
#endif
  }
#endif
  at::Tensor scores = at::matmul(q, keys.transpose(1, 2)) * params.scale;
  if (params.logit_softcap) scores = at::tanh(scores / *params.logit_softcap) * *params.logit_softcap;
  if (rows > 1)
    scores.masked_fill_(blocked_mask(first_row, rows, kv_begin, kv_end, params.window, q.device()),
                        -std::numeric_limits<float>::infinity());
  at::Tensor probabilities = at::softmax(scores, -1, at::kFloat).to(q.scalar_type());
  return at::matmul(probabilities, values);
}

at::Tensor attend_sequence(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                           const AttentionParams& params) {
  const int64_t length = q.size(0);
  const int64_t heads = q.size(1);
  const int64_t head_dim = q.size(2);
  at::Tensor query = q.transpose(0, 1);
  at::Tensor keys = repeat_kv(k.transpose(0, 1), heads);
  at::Tensor values = repeat_kv(v.transpose(0, 1), heads);
  std::vector<at::Tensor> blocks;
  for (int64_t first = 0; first < length; first += kQueryBlockRows) {
    const int64_t last = std::min(length, first + kQueryBlockRows);
    blocks.push_back(attend_rows(query.slice(1, first, last), keys, values, first, params));
  }
  at::Tensor output = blocks.size() == 1 ? blocks.front() : at::cat(blocks, 1);
  return output.transpose(0, 1).reshape({length, heads * head_dim});
}

bool uses_varlen_flash(const at::Device& device, at::ScalarType dtype, int64_t head_dim, const AttentionParams& params) {
#if TORCH_VERSION_MAJOR >= 2
  return device.is_cuda() && !params.window && !params.logit_softcap && (dtype == at::kBFloat16 || dtype == at::kHalf) &&
         head_dim % 8 == 0 && head_dim <= 256;
#else
  (void)device, (void)dtype, (void)head_dim, (void)params;
  return false;
#endif
}

at::Tensor attend_packed_flash(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                               const PackedSpans& spans, double scale) {
#if TORCH_VERSION_MAJOR >= 2
  std::vector<int32_t> bounds{0};
  int64_t longest = 0;
  for (size_t i = 0; i < spans.length.size(); ++i) {
    bounds.push_back(static_cast<int32_t>(spans.begin[i] + spans.length[i]));
    longest = std::max(longest, spans.length[i]);
  }
  at::Tensor cu_seqlens = at::empty({static_cast<int64_t>(bounds.size())}, at::kInt);
  std::copy(bounds.begin(), bounds.end(), cu_seqlens.data_ptr<int32_t>());
  cu_seqlens = cu_seqlens.to(q.device());
  auto result = at::_flash_attention_forward(q.contiguous(), k.contiguous(), v.contiguous(), cu_seqlens, cu_seqlens,
                                             longest, longest, 0.0, /*is_causal=*/true,
                                             /*return_debug_mask=*/false, scale);
  return std::get<0>(result).reshape({q.size(0), q.size(1) * q.size(2)});
#else
  (void)q, (void)k, (void)v, (void)spans, (void)scale;
  throw ModelError("variable-length flash attention needs libtorch >= 2");
#endif
}

namespace {

// Sequences attended together in one padded batch; `slots` is the batch's padded length.
struct SlotGroup {
  std::vector<size_t> members;
  int64_t slots = 0;
};

// A sequence occupies slots [first position, first position + length) of its padded row, exactly
// where transformers puts it in a padded batch (it numbers positions by slot). Sequences are grouped
// by slot count, with at most kMaxSlotGroupElements mask elements (batch x slots x slots) a group.
constexpr int64_t kMaxSlotGroupElements = int64_t{1} << 28;

int64_t slots_needed(const PackedSpans& spans, size_t i) {
  return spans.positions[static_cast<size_t>(spans.begin[i])] + spans.length[i];
}

std::vector<SlotGroup> slot_groups(const PackedSpans& spans) {
  std::vector<size_t> order(spans.begin.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return slots_needed(spans, a) < slots_needed(spans, b); });
  std::vector<SlotGroup> groups;
  for (size_t i : order) {
    const int64_t slots = slots_needed(spans, i);
    const auto members = static_cast<int64_t>(groups.empty() ? 0 : groups.back().members.size());
    if (groups.empty() || (members + 1) * slots * slots > kMaxSlotGroupElements) groups.emplace_back();
    groups.back().members.push_back(i);
    groups.back().slots = slots;  // ascending order: the newest member is the longest
  }
  return groups;
}

// Row indices of a group's sequences in the packed tensor and their slots in the padded
// [members * slots] tensor.
std::pair<at::Tensor, at::Tensor> slot_indices(const PackedSpans& spans, const SlotGroup& group,
                                               const at::Device& device) {
  std::vector<int64_t> rows, slots;
  for (size_t j = 0; j < group.members.size(); ++j) {
    const size_t i = group.members[j];
    const int64_t first_slot = static_cast<int64_t>(j) * group.slots + spans.positions[static_cast<size_t>(spans.begin[i])];
    for (int64_t t = 0; t < spans.length[i]; ++t) {
      rows.push_back(spans.begin[i] + t);
      slots.push_back(first_slot + t);
    }
  }
  return {to_device(rows, device), to_device(slots, device)};
}

// [rows, heads, D] -> [members, heads, slots, D], zero where no sequence sits.
at::Tensor to_slots(const at::Tensor& x, const at::Tensor& rows, const at::Tensor& slots, int64_t members,
                    int64_t slot_count) {
  at::Tensor padded = at::zeros({members * slot_count, x.size(1), x.size(2)}, x.options());
  padded.index_copy_(0, slots, x.index_select(0, rows));
  return padded.view({members, slot_count, x.size(1), x.size(2)}).transpose(1, 2);
}

// [members, 1, slots, slots]: true where a query slot may see a key slot (causal, inside its
// sequence, inside the sliding window): transformers' padded-batch mask.
at::Tensor slot_mask(const at::Tensor& occupied, const AttentionParams& params) {
  const int64_t slot_count = occupied.size(1);
  at::Tensor key_slots = at::arange(slot_count, at::TensorOptions().dtype(at::kLong).device(occupied.device()));
  at::Tensor queries = key_slots.view({1, slot_count, 1});
  key_slots = key_slots.view({1, 1, slot_count});
  at::Tensor allowed = at::logical_and(key_slots <= queries, occupied.unsqueeze(1));
  if (params.window) allowed = at::logical_and(allowed, key_slots > queries - *params.window);
  return allowed.unsqueeze(1);
}

// q/k/v [members, heads, slots, D], allowed [members, 1, slots, slots].
at::Tensor attend_slots(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& allowed,
                        const AttentionParams& params) {
#if TORCH_VERSION_MAJOR >= 2
  if (!params.eager && uses_fused_sdpa(q, params)) {
#if RB_SDPA_HAS_SCALE
    return at::scaled_dot_product_attention(q, k, v, allowed, 0.0, false, params.scale);
#else
    return at::scaled_dot_product_attention(q, k, v, allowed);
#endif
  }
#endif
  // transformers' eager_attention_forward, in the compute dtype up to the float32 softmax.
  at::Tensor scores = at::matmul(q, k.transpose(2, 3)) * params.scale;
  if (params.logit_softcap) scores = at::tanh(scores / *params.logit_softcap) * *params.logit_softcap;
  scores.masked_fill_(at::logical_not(allowed), -std::numeric_limits<float>::infinity());
  at::Tensor probabilities = at::softmax(scores, -1, at::kFloat).to(q.scalar_type());
  return at::matmul(probabilities, v);
}

// Per group: the packed rows, their slots, and [members, slots] occupancy.
struct SlotLayout {
  at::Tensor rows;
  at::Tensor slots;
  at::Tensor occupied;
};

SlotLayout slot_layout(const PackedSpans& spans, const SlotGroup& group, const at::Device& device) {
  SlotLayout layout;
  std::tie(layout.rows, layout.slots) = slot_indices(spans, group, device);
  const auto members = static_cast<int64_t>(group.members.size());
  layout.occupied = at::zeros({members * group.slots}, at::TensorOptions().dtype(at::kBool).device(device));
  layout.occupied.index_fill_(0, layout.slots, true);
  layout.occupied = layout.occupied.view({members, group.slots});
  return layout;
}

}  // namespace

at::Tensor attend_packed_slots(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                               const PackedSpans& spans, const AttentionParams& params, int64_t total_rows) {
  const int64_t heads = q.size(1);
  const int64_t head_dim = q.size(2);
  at::Tensor output = at::zeros({total_rows, heads * head_dim}, q.options());
  for (const SlotGroup& group : slot_groups(spans)) {
    const auto members = static_cast<int64_t>(group.members.size());
    const SlotLayout layout = slot_layout(spans, group, q.device());
    at::Tensor query = to_slots(q, layout.rows, layout.slots, members, group.slots);
    at::Tensor keys = repeat_kv(to_slots(k, layout.rows, layout.slots, members, group.slots), heads);
    at::Tensor values = repeat_kv(to_slots(v, layout.rows, layout.slots, members, group.slots), heads);
    at::Tensor attended = attend_slots(query, keys, values, slot_mask(layout.occupied, params), params);
    attended = attended.transpose(1, 2).reshape({members * group.slots, heads * head_dim});
    output.index_copy_(0, layout.rows, attended.index_select(0, layout.slots));
  }
  return output;
}

at::Tensor attend_packed(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const PackedSpans& spans,
                         const AttentionParams& params, int64_t total_rows) {
  if (params.reference_layout) return attend_packed_slots(q, k, v, spans, params, total_rows);
  if (uses_varlen_flash(q.device(), q.scalar_type(), q.size(2), params))
    return attend_packed_flash(q, k, v, spans, params.scale);
  std::vector<at::Tensor> outputs;
  for (size_t i = 0; i < spans.begin.size(); ++i) {
    const int64_t b = spans.begin[i];
    const int64_t e = b + spans.length[i];
    outputs.push_back(attend_sequence(q.slice(0, b, e), k.slice(0, b, e), v.slice(0, b, e), params));
  }
  return with_padding_rows(outputs.size() == 1 ? outputs.front() : at::cat(outputs, 0), total_rows);
}

at::Tensor attend_pooled(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const PackedSpans& spans,
                         const AttentionParams& params) {
  const int64_t heads = q.size(1);
  const int64_t head_dim = q.size(2);
  std::vector<at::Tensor> outputs;
  for (size_t i = 0; i < spans.begin.size(); ++i) {
    const int64_t b = spans.begin[i];
    const int64_t e = b + spans.length[i];
    at::Tensor keys = repeat_kv(k.slice(0, b, e).transpose(0, 1), heads);
    at::Tensor values = repeat_kv(v.slice(0, b, e).transpose(0, 1), heads);
    at::Tensor query = q.slice(0, static_cast<int64_t>(i), static_cast<int64_t>(i) + 1).transpose(0, 1);
    outputs.push_back(attend_rows(query, keys, values, spans.length[i] - 1, params)
                          .transpose(0, 1).reshape({1, heads * head_dim}));
  }
  return with_padding_rows(at::cat(outputs, 0), q.size(0));
}

at::Tensor LayerNorm::operator()(const at::Tensor& x) const {
  return at::layer_norm(x, {weight.size(0)}, weight, bias, eps);
}

LayerNorm load_layer_norm(WeightLoader& loader, const std::string& name, int64_t hidden, double eps) {
  const bool legacy = !loader.contains(name + ".weight") && loader.contains(name + ".gamma");
  LayerNorm norm;
  norm.weight = loader.load(name + (legacy ? ".gamma" : ".weight"), {hidden});
  norm.bias = loader.load(name + (legacy ? ".beta" : ".bias"), {hidden});
  norm.eps = eps;
  return norm;
}

at::Tensor activate(const at::Tensor& x, Activation activation) {
  constexpr double kSqrtTwoOverPi = 0.7978845608028654;  // math.sqrt(2.0 / math.pi)
  switch (activation) {
    case Activation::Gelu: return at::gelu(x);
    case Activation::GeluPytorchTanh: return at::gelu(x, "tanh");
    case Activation::GeluNew:  // 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))
      return (x * 0.5) * (at::tanh((x + at::pow(x, 3.0) * 0.044715) * kSqrtTwoOverPi) + 1.0);
    case Activation::GeluFast:  // 0.5 * x * (1 + tanh(x * 0.7978845608 * (1 + 0.044715 * x * x)))
      return (x * 0.5) * (at::tanh((x * 0.7978845608) * ((x * 0.044715) * x + 1.0)) + 1.0);
    case Activation::Relu: return at::relu(x);
    case Activation::Silu: return at::silu(x);
    case Activation::Tanh: return at::tanh(x);
    case Activation::Sigmoid: return at::sigmoid(x);
  }
  throw ModelError("internal: unknown activation");
}

std::vector<std::vector<float>> rows_as_scores(const at::Tensor& scores, size_t count) {
  const at::Tensor host = scores.to(at::kFloat).cpu().contiguous();
  const int64_t labels = host.size(1);
  const float* values = host.data_ptr<float>();
  std::vector<std::vector<float>> rows(count);
  for (size_t i = 0; i < count; ++i) rows[i].assign(values + i * labels, values + (i + 1) * labels);
  return rows;
}

}  // namespace rb::model::layers

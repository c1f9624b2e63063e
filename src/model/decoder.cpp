// The shared decoder. Every op follows transformers' modeling_llama.py (and its Mistral/Qwen2/
// Qwen3 copies) in order and dtype, so fp32 scores agree with transformers to float rounding:
// RMSNorm in float32, RoPE tables from float32 positions * inv_freq cast to the compute dtype,
// eager attention (matmul * head_dim^-0.5, causal mask, float32 softmax cast back), SwiGLU MLP,
// residual adds in the compute dtype, final norm, bias-free score head in the compute dtype.
// On CUDA with libtorch >= 2 attention is one variable-length flash-attention call per layer for
// the whole packed batch (bf16/fp16 without sliding window), else fused SDPA per sequence.
// Batches are packed (no padding): token-wise ops run on the flat [T, hidden] tensor and
// attention runs per sequence; tokens after a sequence's pooled token are never computed, and
// the last layer runs queries/MLP for the pooled rows only. A sequence's score depends on its
// batch neighbours only through kernel choice, which batch-invariant mode removes on CPU.
#include "model/decoder.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <torch/version.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/error.h"
#include "model/rope.h"
#include "model/torch_weights.h"

namespace rb::model {
namespace {

// Longest block of query rows attended at once; bounds the [heads, rows, keys] score tensor.
constexpr int64_t kQueryBlockRows = 512;

// The CPU BLAS picks GEMM kernels by matrix shape, and kernels round differently, so a row's
// result can depend on how many other rows share its GEMM (i.e. on the batch composition).
// Within one fixed shape, each row's result is independent of its position and neighbours
// (measured on this libtorch for many K, N). Element-wise kernels likewise treat a tensor's
// vector-width remainder with scalar code (e.g. a different exp in silu), so an element's
// rounding can depend on the tensor's size. Batch-invariant mode therefore pads the flat token
// tensor (and the pooled rows) to a multiple of kInvariantTileRows dummy rows and runs every
// CPU projection in tiles of exactly that many rows: every op then sees the same shapes.
constexpr int64_t kInvariantTileRows = 128;

struct Linear {
  at::Tensor weight;
  at::Tensor bias;  // undefined when the layer has none
  bool fixed_tiles = false;

  at::Tensor operator()(const at::Tensor& input) const {
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

 private:
  // Exactly what at::linear does for 2-D inputs (addmm with a bias, mm without), written in place.
  void tile_into(const at::Tensor& input, at::Tensor output) const {
    if (bias.defined()) {
      at::addmm_out(output, bias, input, weight.t());
    } else {
      at::mm_out(output, input, weight.t());
    }
  }
};

struct DecoderLayer {
  at::Tensor input_norm;
  at::Tensor post_attention_norm;
  at::Tensor q_norm;  // Qwen3 only
  at::Tensor k_norm;
  Linear q, k, v, o, gate, up, down;
  std::optional<int64_t> window;
};

// Sequences of a batch cut right after their pooled token: later tokens cannot influence it
// (causal attention), so they are never computed.
struct PackedSpans {
  std::vector<int64_t> token_ids;
  std::vector<int64_t> positions;
  std::vector<int64_t> begin;   // start row of each sequence in the flat tensor
  std::vector<int64_t> length;  // pool_index + 1
  std::vector<int64_t> pooled_row;
};

// Appends dummy rows (token 0 at position 0, part of no sequence) up to a multiple of `rows`.
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

at::Tensor to_device(const std::vector<int64_t>& values, const at::Device& device) {
  at::Tensor host = at::empty({static_cast<int64_t>(values.size())}, at::kLong);
  std::copy(values.begin(), values.end(), host.data_ptr<int64_t>());
  return device.is_cpu() ? host : host.to(device);
}

// transformers' LlamaRMSNorm.forward.
at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps) {
  at::Tensor x32 = x.to(at::kFloat);
  at::Tensor variance = x32.pow(2).mean(-1, /*keepdim=*/true);
  x32 = x32 * at::rsqrt(variance + eps);
  return weight * x32.to(x.scalar_type());
}

// Zero rows appended for the batch-invariant dummy rows (which belong to no sequence).
at::Tensor with_padding_rows(const at::Tensor& rows, int64_t total) {
  if (rows.size(0) == total) return rows;
  return at::cat({rows, at::zeros({total - rows.size(0), rows.size(1)}, rows.options())}, 0);
}

at::Tensor rotate_half(const at::Tensor& x) {
  const int64_t half = x.size(-1) / 2;
  return at::cat({-x.slice(-1, half), x.slice(-1, 0, half)}, -1);
}

// x: [rows, heads, head_dim]; cos/sin: [rows, head_dim].
at::Tensor apply_rotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) {
  return x * cos.unsqueeze(1) + rotate_half(x) * sin.unsqueeze(1);
}

// [kv_heads, L, D] -> [heads, L, D], head h reading kv head h / (heads / kv_heads).
at::Tensor repeat_kv(const at::Tensor& kv, int64_t heads) {
  const int64_t kv_heads = kv.size(0);
  if (kv_heads == heads) return kv;
  return kv.unsqueeze(1).expand({kv_heads, heads / kv_heads, kv.size(1), kv.size(2)}).reshape({heads, kv.size(1), kv.size(2)});
}

// true where query row (first_row + r) must not see key (kv_begin + c).
at::Tensor blocked_mask(int64_t first_row, int64_t rows, int64_t kv_begin, int64_t kv_end,
                        std::optional<int64_t> window, const at::Device& device) {
  at::Tensor query_index = at::arange(first_row, first_row + rows, at::TensorOptions().dtype(at::kLong).device(device)).unsqueeze(1);
  at::Tensor key_index = at::arange(kv_begin, kv_end, at::TensorOptions().dtype(at::kLong).device(device)).unsqueeze(0);
  at::Tensor blocked = key_index > query_index;
  if (window) blocked = at::logical_or(blocked, key_index <= query_index - *window);
  return blocked;
}

}  // namespace

class DecoderModel final : public RewardModel {
 public:
  DecoderModel(const ModelConfig& config, const DecoderLayout& layout, at::ScalarType dtype, at::Device device,
               bool batch_invariant)
      : config_(config), layout_(layout), dtype_(dtype), device_(device), batch_invariant_(batch_invariant),
        scale_(std::pow(static_cast<double>(layout.head_dim), -0.5)) {}

  void load(const io::SafetensorsCheckpoint& checkpoint, const ArchitectureSpec& spec, DType dtype_enum,
            const std::string& device_name);
  std::vector<std::vector<float>> score(const PackedBatch& batch) override;
  const ModelInfo& info() const override { return info_; }

 private:
  DecoderLayer load_layer(WeightLoader& loader, int64_t index) const;
  Linear load_linear(WeightLoader& loader, const std::string& name, int64_t out, int64_t in, bool bias) const;
  at::Tensor norm(const at::Tensor& x, const at::Tensor& weight) const { return rms_norm(x, weight, config_.rms_norm_eps); }
  std::pair<at::Tensor, at::Tensor> rotary_tables(const at::Tensor& positions) const;
  at::Tensor project_heads(const Linear& projection, const at::Tensor& norm_weight, const at::Tensor& h,
                           int64_t heads, const at::Tensor& cos, const at::Tensor& sin) const;
  at::Tensor attend_rows(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t first_row,
                         std::optional<int64_t> window) const;
  at::Tensor attend_sequence(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                             std::optional<int64_t> window) const;
  at::Tensor mlp(const DecoderLayer& layer, const at::Tensor& x) const;
  bool uses_varlen_flash(const DecoderLayer& layer) const;
  at::Tensor attend_packed_flash(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                 const PackedSpans& spans) const;
  at::Tensor full_layer(const DecoderLayer& layer, const at::Tensor& x, const at::Tensor& cos,
                        const at::Tensor& sin, const PackedSpans& spans) const;
  at::Tensor pooled_layer(const DecoderLayer& layer, const at::Tensor& x, const at::Tensor& cos,
                          const at::Tensor& sin, const PackedSpans& spans, const at::Tensor& pooled_rows) const;

  ModelConfig config_;
  DecoderLayout layout_;
  at::ScalarType dtype_;
  at::Device device_;
  bool batch_invariant_;
  double scale_;
  ModelInfo info_;
  at::Tensor embed_;
  at::Tensor final_norm_;
  Linear score_;
  at::Tensor inv_freq_;  // float32 [head_dim / 2]
  std::vector<DecoderLayer> layers_;
};

Linear DecoderModel::load_linear(WeightLoader& loader, const std::string& name, int64_t out, int64_t in,
                                 bool bias) const {
  Linear linear;
  linear.fixed_tiles = batch_invariant_;
  linear.weight = loader.load(name + ".weight", {out, in});
  if (bias) linear.bias = loader.load(name + ".bias", {out});
  return linear;
}

DecoderLayer DecoderModel::load_layer(WeightLoader& loader, int64_t index) const {
  const std::string prefix = "model.layers." + std::to_string(index) + ".";
  const int64_t hidden = config_.hidden_size;
  const int64_t head_dim = layout_.head_dim;
  const int64_t q_width = config_.num_attention_heads * head_dim;
  const int64_t kv_width = config_.num_key_value_heads * head_dim;
  const int64_t inner = config_.intermediate_size;
  DecoderLayer layer;
  layer.input_norm = loader.load(prefix + "input_layernorm.weight", {hidden});
  layer.post_attention_norm = loader.load(prefix + "post_attention_layernorm.weight", {hidden});
  layer.q = load_linear(loader, prefix + "self_attn.q_proj", q_width, hidden, layout_.qkv_bias);
  layer.k = load_linear(loader, prefix + "self_attn.k_proj", kv_width, hidden, layout_.qkv_bias);
  layer.v = load_linear(loader, prefix + "self_attn.v_proj", kv_width, hidden, layout_.qkv_bias);
  layer.o = load_linear(loader, prefix + "self_attn.o_proj", hidden, q_width, layout_.o_bias);
  if (layout_.qk_norm) {
    layer.q_norm = loader.load(prefix + "self_attn.q_norm.weight", {head_dim});
    layer.k_norm = loader.load(prefix + "self_attn.k_norm.weight", {head_dim});
  }
  layer.gate = load_linear(loader, prefix + "mlp.gate_proj", inner, hidden, layout_.mlp_bias);
  layer.up = load_linear(loader, prefix + "mlp.up_proj", inner, hidden, layout_.mlp_bias);
  layer.down = load_linear(loader, prefix + "mlp.down_proj", hidden, inner, layout_.mlp_bias);
  layer.window = layout_.window_per_layer[static_cast<size_t>(index)];
  return layer;
}

void DecoderModel::load(const io::SafetensorsCheckpoint& checkpoint, const ArchitectureSpec& spec,
                        DType dtype_enum, const std::string& device_name) {
  WeightLoader loader(checkpoint, dtype_, device_);
  embed_ = loader.load("model.embed_tokens.weight", {config_.vocab_size, config_.hidden_size});
  const int64_t embedding_parameters = embed_.numel();
  for (int64_t i = 0; i < config_.num_hidden_layers; ++i) layers_.push_back(load_layer(loader, i));
  final_norm_ = loader.load("model.norm.weight", {config_.hidden_size});
  score_.fixed_tiles = batch_invariant_;
  score_.weight = loader.load("score.weight", {config_.num_labels, config_.hidden_size});

  const std::vector<float> inv_freq = rope_inv_freq(config_.rope, layout_.head_dim);
  inv_freq_ = at::empty({static_cast<int64_t>(inv_freq.size())}, at::kFloat);
  std::copy(inv_freq.begin(), inv_freq.end(), inv_freq_.data_ptr<float>());
  if (!device_.is_cpu()) inv_freq_ = inv_freq_.to(device_);

  info_.architecture = spec.class_name;
  info_.model_type = config_.model_type.empty() ? spec.model_type : config_.model_type;
  info_.num_labels = config_.num_labels;
  info_.vocab_size = config_.vocab_size;
  info_.num_parameters = loader.parameters_loaded();
  info_.num_non_embedding_parameters = info_.num_parameters - embedding_parameters;
  info_.pad_token_id = config_.pad_token_id;
  info_.eos_token_ids = config_.eos_token_ids;
  info_.bos_token_id = config_.bos_token_id;
  info_.dtype = dtype_enum;
  info_.device = device_name;
}

// LlamaRotaryEmbedding.forward: float32 positions * inv_freq, cat(freqs, freqs), cos/sin cast
// to the compute dtype (attention scaling is 1.0 for default/linear/llama3).
std::pair<at::Tensor, at::Tensor> DecoderModel::rotary_tables(const at::Tensor& positions) const {
  at::Tensor freqs = positions.to(at::kFloat).unsqueeze(1) * inv_freq_.unsqueeze(0);
  at::Tensor angles = at::cat({freqs, freqs}, -1);
  return {angles.cos().to(dtype_), angles.sin().to(dtype_)};
}

// Projection -> [rows, heads, head_dim] -> optional q/k RMSNorm (Qwen3) -> RoPE.
at::Tensor DecoderModel::project_heads(const Linear& projection, const at::Tensor& norm_weight, const at::Tensor& h,
                                       int64_t heads, const at::Tensor& cos, const at::Tensor& sin) const {
  at::Tensor x = projection(h).view({h.size(0), heads, layout_.head_dim});
  if (norm_weight.defined()) x = norm(x, norm_weight);
  return apply_rotary(x, cos, sin);
}

// Eager attention of query rows [first_row, first_row + rows) of one sequence.
// q: [heads, rows, D]; k, v: [heads, L, D] (already repeated for GQA). Returns [heads, rows, D].
at::Tensor DecoderModel::attend_rows(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                     int64_t first_row, std::optional<int64_t> window) const {
  const int64_t rows = q.size(1);
  const int64_t kv_end = first_row + rows;
  const int64_t kv_begin = window ? std::max<int64_t>(0, first_row - *window + 1) : 0;
  at::Tensor keys = k.slice(1, kv_begin, kv_end);
  at::Tensor values = v.slice(1, kv_begin, kv_end);
#if TORCH_VERSION_MAJOR >= 2
  if (!q.is_cpu()) {
    // CUDA: fused SDPA. A single query row (the pooled one) sees every kept key, so no mask.
    c10::optional<at::Tensor> allowed;
    if (rows > 1) allowed = at::logical_not(blocked_mask(first_row, rows, kv_begin, kv_end, window, q.device()));
    return at::scaled_dot_product_attention(q.unsqueeze(0), keys.unsqueeze(0), values.unsqueeze(0), allowed)
        .squeeze(0);
  }
#endif
  at::Tensor scores = at::matmul(q, keys.transpose(1, 2)) * scale_;
  if (rows > 1)
    scores.masked_fill_(blocked_mask(first_row, rows, kv_begin, kv_end, window, q.device()),
                        -std::numeric_limits<float>::infinity());
  at::Tensor probabilities = at::softmax(scores, -1, at::kFloat).to(q.scalar_type());
  return at::matmul(probabilities, values);
}

// q: [L, heads, D]; k, v: [L, kv_heads, D]. Returns [L, heads * D].
at::Tensor DecoderModel::attend_sequence(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                         std::optional<int64_t> window) const {
  const int64_t length = q.size(0);
  const int64_t heads = q.size(1);
  at::Tensor query = q.transpose(0, 1);
  at::Tensor keys = repeat_kv(k.transpose(0, 1), heads);
  at::Tensor values = repeat_kv(v.transpose(0, 1), heads);
  std::vector<at::Tensor> blocks;
  for (int64_t first = 0; first < length; first += kQueryBlockRows) {
    const int64_t last = std::min(length, first + kQueryBlockRows);
    blocks.push_back(attend_rows(query.slice(1, first, last), keys, values, first, window));
  }
  at::Tensor output = blocks.size() == 1 ? blocks.front() : at::cat(blocks, 1);
  return output.transpose(0, 1).reshape({length, heads * layout_.head_dim});
}

at::Tensor DecoderModel::mlp(const DecoderLayer& layer, const at::Tensor& x) const {
  return layer.down(at::silu(layer.gate(x)) * layer.up(x));
}

// CUDA with libtorch >= 2, bf16/fp16, no sliding window: one variable-length flash-attention call
// for the whole packed batch (sequence boundaries as cu_seqlens, GQA handled by the kernel)
// instead of one fused SDPA call per sequence.
bool DecoderModel::uses_varlen_flash(const DecoderLayer& layer) const {
#if TORCH_VERSION_MAJOR >= 2
  return device_.is_cuda() && !layer.window && (dtype_ == at::kBFloat16 || dtype_ == at::kHalf) &&
         layout_.head_dim % 8 == 0 && layout_.head_dim <= 256;
#else
  (void)layer;
  return false;
#endif
}

at::Tensor DecoderModel::attend_packed_flash(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                             const PackedSpans& spans) const {
#if TORCH_VERSION_MAJOR >= 2
  std::vector<int32_t> bounds{0};
  int64_t longest = 0;
  for (size_t i = 0; i < spans.length.size(); ++i) {
    bounds.push_back(static_cast<int32_t>(spans.begin[i] + spans.length[i]));
    longest = std::max(longest, spans.length[i]);
  }
  at::Tensor cu_seqlens = at::empty({static_cast<int64_t>(bounds.size())}, at::kInt);
  std::copy(bounds.begin(), bounds.end(), cu_seqlens.data_ptr<int32_t>());
  cu_seqlens = cu_seqlens.to(device_);
  auto result = at::_flash_attention_forward(q.contiguous(), k.contiguous(), v.contiguous(), cu_seqlens, cu_seqlens,
                                             longest, longest, 0.0, /*is_causal=*/true,
                                             /*return_debug_mask=*/false, scale_);
  return std::get<0>(result).reshape({q.size(0), q.size(1) * layout_.head_dim});
#else
  (void)q, (void)k, (void)v, (void)spans;
  throw ModelError("variable-length flash attention needs libtorch >= 2");
#endif
}

at::Tensor DecoderModel::full_layer(const DecoderLayer& layer, const at::Tensor& x, const at::Tensor& cos,
                                    const at::Tensor& sin, const PackedSpans& spans) const {
  at::Tensor h = norm(x, layer.input_norm);
  at::Tensor q = project_heads(layer.q, layer.q_norm, h, config_.num_attention_heads, cos, sin);
  at::Tensor k = project_heads(layer.k, layer.k_norm, h, config_.num_key_value_heads, cos, sin);
  at::Tensor v = layer.v(h).view({h.size(0), config_.num_key_value_heads, layout_.head_dim});
  at::Tensor attended;
  if (uses_varlen_flash(layer)) {
    attended = attend_packed_flash(q, k, v, spans);
  } else {
    std::vector<at::Tensor> outputs;
    for (size_t i = 0; i < spans.begin.size(); ++i) {
      const int64_t b = spans.begin[i];
      const int64_t e = b + spans.length[i];
      outputs.push_back(attend_sequence(q.slice(0, b, e), k.slice(0, b, e), v.slice(0, b, e), layer.window));
    }
    attended = with_padding_rows(outputs.size() == 1 ? outputs.front() : at::cat(outputs, 0), x.size(0));
  }
  at::Tensor hidden = x + layer.o(attended);
  return hidden + mlp(layer, norm(hidden, layer.post_attention_norm));
}

// Last layer: keys/values for every token, but queries, o_proj and MLP only for pooled rows.
at::Tensor DecoderModel::pooled_layer(const DecoderLayer& layer, const at::Tensor& x, const at::Tensor& cos,
                                      const at::Tensor& sin, const PackedSpans& spans,
                                      const at::Tensor& pooled_rows) const {
  const int64_t heads = config_.num_attention_heads;
  at::Tensor h = norm(x, layer.input_norm);
  at::Tensor k = project_heads(layer.k, layer.k_norm, h, config_.num_key_value_heads, cos, sin);
  at::Tensor v = layer.v(h).view({h.size(0), config_.num_key_value_heads, layout_.head_dim});
  at::Tensor q = project_heads(layer.q, layer.q_norm, h.index_select(0, pooled_rows), heads,
                               cos.index_select(0, pooled_rows), sin.index_select(0, pooled_rows));
  std::vector<at::Tensor> outputs;
  for (size_t i = 0; i < spans.begin.size(); ++i) {
    const int64_t b = spans.begin[i];
    const int64_t e = b + spans.length[i];
    at::Tensor keys = repeat_kv(k.slice(0, b, e).transpose(0, 1), heads);
    at::Tensor values = repeat_kv(v.slice(0, b, e).transpose(0, 1), heads);
    at::Tensor query = q.slice(0, static_cast<int64_t>(i), static_cast<int64_t>(i) + 1).transpose(0, 1);
    outputs.push_back(attend_rows(query, keys, values, spans.length[i] - 1, layer.window)
                          .transpose(0, 1).reshape({1, heads * layout_.head_dim}));
  }
  at::Tensor attended = with_padding_rows(at::cat(outputs, 0), pooled_rows.size(0));
  at::Tensor hidden = x.index_select(0, pooled_rows) + layer.o(attended);
  return hidden + mlp(layer, norm(hidden, layer.post_attention_norm));
}

std::vector<std::vector<float>> DecoderModel::score(const PackedBatch& batch) {
  validate_packed_batch(batch, config_.vocab_size);
  if (batch.num_sequences() == 0) return {};
  c10::InferenceMode inference_guard;
  PackedSpans spans = trim_to_pooled(batch);
  const bool fixed_shapes = batch_invariant_ && device_.is_cpu();
  if (fixed_shapes) pad_to_multiple(spans, kInvariantTileRows);
  at::Tensor x = embed_.index_select(0, to_device(spans.token_ids, device_));
  auto [cos, sin] = rotary_tables(to_device(spans.positions, device_));
  const at::Tensor pooled_rows =
      to_device(fixed_shapes ? padded_copy(spans.pooled_row, kInvariantTileRows) : spans.pooled_row, device_);
  for (size_t i = 0; i + 1 < layers_.size(); ++i) x = full_layer(layers_[i], x, cos, sin, spans);
  x = pooled_layer(layers_.back(), x, cos, sin, spans, pooled_rows);
  at::Tensor logits = score_(norm(x, final_norm_)).to(at::kFloat).cpu().contiguous();

  std::vector<std::vector<float>> scores(batch.num_sequences());
  const float* values = logits.data_ptr<float>();
  for (size_t i = 0; i < scores.size(); ++i)
    scores[i].assign(values + i * config_.num_labels, values + (i + 1) * config_.num_labels);
  return scores;
}

void validate_packed_batch(const PackedBatch& batch, int64_t vocab_size) {
  const size_t n = batch.num_sequences();
  auto fail = [](const std::string& what) { throw InputError("packed batch: " + what); };
  if (batch.offsets.size() != n + 1) fail("offsets must have num_sequences + 1 entries");
  if (batch.position_start.size() != n) fail("position_start must have one entry per sequence");
  if (batch.offsets.front() != 0 || batch.offsets.back() != static_cast<int64_t>(batch.token_ids.size()))
    fail("offsets must start at 0 and end at the number of tokens");
  for (size_t i = 0; i < n; ++i) {
    const int64_t length = batch.offsets[i + 1] - batch.offsets[i];
    const std::string which = "sequence " + std::to_string(i);
    if (length <= 0) fail(which + " is empty or offsets decrease");
    if (batch.pool_index[i] < 0 || batch.pool_index[i] >= length)
      fail(which + ": pool_index " + std::to_string(batch.pool_index[i]) + " outside [0, " + std::to_string(length) + ")");
    if (batch.position_start[i] < 0) fail(which + ": negative position_start");
  }
  for (size_t t = 0; t < batch.token_ids.size(); ++t) {
    if (batch.token_ids[t] < 0 || batch.token_ids[t] >= vocab_size)
      fail("token " + std::to_string(t) + " has id " + std::to_string(batch.token_ids[t]) +
           " outside the vocabulary [0, " + std::to_string(vocab_size) + ")");
  }
}

std::unique_ptr<RewardModel> build_decoder_model(const ModelConfig& config, const ArchitectureSpec& spec,
                                                 const io::SafetensorsCheckpoint& checkpoint,
                                                 const LoadOptions& options) {
  at::ScalarType dtype = at::kFloat;
  if (options.dtype == DType::BFloat16) dtype = at::kBFloat16;
  if (options.dtype == DType::Float16) dtype = at::kHalf;
  at::Device device(at::kCPU);
  try {
    device = at::Device(options.device);
  } catch (const c10::Error&) {
    throw InputError("unknown device '" + options.device + "' (use cpu, cuda or cuda:N)");
  }
  if (device.is_cuda() && !at::hasCUDA()) throw ModelError("device '" + options.device + "' requested but this libtorch has no CUDA");
  if (!device.is_cpu() && !device.is_cuda()) throw InputError("unsupported device '" + options.device + "'");
  if (device.is_cpu() && dtype == at::kHalf)
    throw ModelError("float16 compute is only supported on CUDA (CPU half kernels are incomplete); use float32 or bfloat16");
  const DecoderLayout layout = resolve_layout(spec, config);
  auto model = std::make_unique<DecoderModel>(config, layout, dtype, device, options.batch_invariant);
  model->load(checkpoint, spec, options.dtype, options.device);
  return model;
}

std::unique_ptr<CausalLanguageModel> build_decoder_causal_lm(const ModelConfig& config, const ArchitectureSpec&,
                                                             const io::SafetensorsCheckpoint&, const LoadOptions&) {
  // Not implemented yet (the lm_head path is being added); refuse clearly rather than guess.
  throw ModelError(config.source + ": causal-LM log-probabilities are not implemented yet for this architecture");
}

}  // namespace rb::model

#pragma once
// Torch building blocks shared by every architecture of the model layer: batch-invariant
// Linear, packed-sequence bookkeeping, RMSNorm, rotary helpers, packed causal attention (CPU
// blocked eager path; CUDA in the reference's padded layout through SDPA or eager math, or one
// variable-length flash call), and resolution of LoadOptions
// into a dtype and device. Internal to src/model (includes ATen): include it only from files
// that already need torch.
#include <ATen/ATen.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/activation.h"
#include "model/reward_model.h"
#include "model/torch_weights.h"

namespace rb::model::layers {

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

  at::Tensor operator()(const at::Tensor& input) const;

 private:
  void tile_into(const at::Tensor& input, at::Tensor output) const;
};

// Loads `<name>.weight` [out, in] (and `<name>.bias` [out] when `bias`), checking shapes.
Linear load_linear(WeightLoader& loader, const std::string& name, int64_t out, int64_t in, bool bias,
                   bool fixed_tiles);

// nn.LayerNorm in the compute dtype (ATen's kernel accumulates in float32 for bf16, as torch does).
struct LayerNorm {
  at::Tensor weight;
  at::Tensor bias;
  double eps = 1e-5;
  at::Tensor operator()(const at::Tensor& x) const;
};
// `<name>.weight` and `<name>.bias` [hidden], or the older `gamma`/`beta` names that transformers
// renames on load.
LayerNorm load_layer_norm(WeightLoader& loader, const std::string& name, int64_t hidden, double eps);

// The first `count` rows of a [rows, labels] tensor (a head's output) as float32 vectors.
std::vector<std::vector<float>> rows_as_scores(const at::Tensor& scores, size_t count);

// transformers' ACT2FN[name], op for op (gelu_new is NewGELUActivation's explicit tanh formula).
at::Tensor activate(const at::Tensor& x, Activation activation);

// LoadOptions -> torch dtype and device; throws rb::InputError / rb::ModelError for unknown or
// unavailable devices and for float16 on CPU.
struct ComputeTarget {
  at::ScalarType dtype = at::kFloat;
  at::Device device = at::Device(at::kCPU);
  // CUDA with sdpa or eager: attention in the reference's padded layout (attend_packed_slots),
  // every layer and the score head over every row.
  bool reference_layout = false;
  bool eager_attention = false;  // eager: the reference layout with eager math, never SDPA
};
ComputeTarget resolve_compute_target(const LoadOptions& options);

// A host int64 vector as a tensor on `device`.
at::Tensor to_device(const std::vector<int64_t>& values, const at::Device& device);
// A host float vector as a float32 tensor on `device`.
at::Tensor to_device(const std::vector<float>& values, const at::Device& device);

// Sequences of a batch laid end to end in the flat [rows, hidden] tensor.
struct PackedSpans {
  std::vector<int64_t> token_ids;
  std::vector<int64_t> positions;
  std::vector<int64_t> begin;   // start row of each sequence in the flat tensor
  std::vector<int64_t> length;  // rows of each sequence
  std::vector<int64_t> pooled_row;
};

// Sequences cut right after their pooled token: later tokens cannot influence it (causal
// attention), so they are never computed.
PackedSpans trim_to_pooled(const PackedBatch& batch);
// Every token of every sequence (causal LM); pooled_row is each sequence's last row.
PackedSpans whole_sequences(const PackedBatch& batch);
// Appends dummy rows (token 0 at position 0, part of no sequence) up to a multiple of `rows`.
void pad_to_multiple(PackedSpans& spans, int64_t rows);
std::vector<int64_t> padded_copy(std::vector<int64_t> values, int64_t rows);
// Zero rows appended for the batch-invariant dummy rows (which belong to no sequence).
at::Tensor with_padding_rows(const at::Tensor& rows, int64_t total);

// transformers' LlamaRMSNorm.forward: float32 normalisation, cast back, then * weight.
at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps);

at::Tensor rotate_half(const at::Tensor& x);
// x: [rows, heads, head_dim]; cos/sin: [rows, head_dim].
at::Tensor apply_rotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin);
// LlamaRotaryEmbedding.forward: float32 positions * inv_freq, cat(freqs, freqs), cos/sin cast
// to `dtype` (attention scaling is 1.0 for default/linear/llama3).
std::pair<at::Tensor, at::Tensor> rotary_tables(const at::Tensor& positions, const at::Tensor& inv_freq,
                                                at::ScalarType dtype);

// [..., kv_heads, L, D] -> [..., heads, L, D], head h reading kv head h / (heads / kv_heads)
// (transformers' repeat_kv: a real copy).
at::Tensor repeat_kv(const at::Tensor& kv, int64_t heads);
// true where query row (first_row + r) must not see key (kv_begin + c).
at::Tensor blocked_mask(int64_t first_row, int64_t rows, int64_t kv_begin, int64_t kv_end,
                        std::optional<int64_t> window, const at::Device& device);

struct AttentionParams {
  double scale = 1.0;                    // multiplies q.k
  std::optional<int64_t> window;         // sliding window (keys within `window` of the query)
  std::optional<double> logit_softcap;   // Gemma-2: tanh(scores / cap) * cap before the mask
  bool reference_layout = false;         // ComputeTarget::reference_layout: attend_packed_slots
  bool eager = false;                    // ComputeTarget::eager_attention: no fused SDPA
};

// Causal attention of query rows [first_row, first_row + rows) of one sequence.
// q: [heads, rows, D]; k, v: [heads, L, D] (already repeated for GQA). Returns [heads, rows, D].
at::Tensor attend_rows(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t first_row,
                       const AttentionParams& params);
// q: [L, heads, D]; k, v: [L, kv_heads, D]. Returns [L, heads * D].
at::Tensor attend_sequence(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                           const AttentionParams& params);
// CUDA with libtorch >= 2, bf16/fp16, no sliding window, no soft-capping: one variable-length
// flash-attention call for the whole packed batch.
bool uses_varlen_flash(const at::Device& device, at::ScalarType dtype, int64_t head_dim, const AttentionParams& params);
// q: [rows, heads, D]; k, v: [rows, kv_heads, D] for the spans' rows. Returns [rows, heads * D].
at::Tensor attend_packed_flash(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                               const PackedSpans& spans, double scale);
// Attention in the layout of the reference's padded batch: each sequence's rows sit at the slots
// of their position ids (transformers numbers positions by slot, so a left-padded text or a
// masked first BOS starts at slot > 0), in padded groups with a boolean causal/window mask, through
// the same SDPA call transformers makes (eager math where SDPA cannot apply). On CUDA this gives
// the reference's bf16 attention bit for bit where the packed varlen kernels differ in rounding.
// Same shapes as attend_packed. (No pooled-rows form: a last layer computed for the pooled rows
// only rounds differently from the reference's GEMMs over every row, so this layout runs it whole.)
at::Tensor attend_packed_slots(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                               const PackedSpans& spans, const AttentionParams& params, int64_t total_rows);
// Every sequence of `spans` attended causally (flash when possible, else per sequence);
// q/k/v cover total_rows rows (spans plus dummy padding rows). Returns [total_rows, heads * D].
at::Tensor attend_packed(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const PackedSpans& spans,
                         const AttentionParams& params, int64_t total_rows);
// One query row per sequence (its pooled row): q [n_rows, heads, D] row i for sequence i,
// k/v the whole flat [rows, kv_heads, D]. Returns [n_rows, heads * D] (rows past the sequences zero).
at::Tensor attend_pooled(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const PackedSpans& spans,
                         const AttentionParams& params);

}  // namespace rb::model::layers

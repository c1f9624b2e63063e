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

#include <algorithm>
#include <cmath>

#include "common/error.h"
#include "model/rope.h"
#include "model/torch_layers.h"
#include "model/torch_weights.h"

namespace rb::model {

using layers::AttentionParams;
using layers::kInvariantTileRows;
using layers::Linear;
using layers::PackedSpans;

namespace {

struct DecoderLayer {
  at::Tensor input_norm;
  at::Tensor post_attention_norm;
  at::Tensor q_norm;  // Qwen3 only
  at::Tensor k_norm;
  Linear q, k, v, o, gate, up, down;
  std::optional<int64_t> window;
};

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
  Linear load_linear(WeightLoader& loader, const std::string& name, int64_t out, int64_t in, bool bias) const {
    return layers::load_linear(loader, name, out, in, bias, batch_invariant_);
  }
  at::Tensor norm(const at::Tensor& x, const at::Tensor& weight) const {
    return layers::rms_norm(x, weight, config_.rms_norm_eps);
  }
  AttentionParams attention_params(const DecoderLayer& layer) const { return {scale_, layer.window, std::nullopt}; }
  at::Tensor project_heads(const Linear& projection, const at::Tensor& norm_weight, const at::Tensor& h,
                           int64_t heads, const at::Tensor& cos, const at::Tensor& sin) const;
  at::Tensor mlp(const DecoderLayer& layer, const at::Tensor& x) const;
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
  inv_freq_ = layers::to_device(inv_freq, device_);

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

// Projection -> [rows, heads, head_dim] -> optional q/k RMSNorm (Qwen3) -> RoPE.
at::Tensor DecoderModel::project_heads(const Linear& projection, const at::Tensor& norm_weight, const at::Tensor& h,
                                       int64_t heads, const at::Tensor& cos, const at::Tensor& sin) const {
  at::Tensor x = projection(h).view({h.size(0), heads, layout_.head_dim});
  if (norm_weight.defined()) x = norm(x, norm_weight);
  return layers::apply_rotary(x, cos, sin);
}

at::Tensor DecoderModel::mlp(const DecoderLayer& layer, const at::Tensor& x) const {
  return layer.down(at::silu(layer.gate(x)) * layer.up(x));
}

at::Tensor DecoderModel::full_layer(const DecoderLayer& layer, const at::Tensor& x, const at::Tensor& cos,
                                    const at::Tensor& sin, const PackedSpans& spans) const {
  at::Tensor h = norm(x, layer.input_norm);
  at::Tensor q = project_heads(layer.q, layer.q_norm, h, config_.num_attention_heads, cos, sin);
  at::Tensor k = project_heads(layer.k, layer.k_norm, h, config_.num_key_value_heads, cos, sin);
  at::Tensor v = layer.v(h).view({h.size(0), config_.num_key_value_heads, layout_.head_dim});
  at::Tensor attended = layers::attend_packed(q, k, v, spans, attention_params(layer), x.size(0));
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
  at::Tensor attended = layers::attend_pooled(q, k, v, spans, attention_params(layer));
  at::Tensor hidden = x.index_select(0, pooled_rows) + layer.o(attended);
  return hidden + mlp(layer, norm(hidden, layer.post_attention_norm));
}

std::vector<std::vector<float>> DecoderModel::score(const PackedBatch& batch) {
  validate_packed_batch(batch, config_.vocab_size);
  if (batch.num_sequences() == 0) return {};
  c10::InferenceMode inference_guard;
  PackedSpans spans = layers::trim_to_pooled(batch);
  const bool fixed_shapes = batch_invariant_ && device_.is_cpu();
  if (fixed_shapes) layers::pad_to_multiple(spans, kInvariantTileRows);
  at::Tensor x = embed_.index_select(0, layers::to_device(spans.token_ids, device_));
  auto [cos, sin] = layers::rotary_tables(layers::to_device(spans.positions, device_), inv_freq_, dtype_);
  const at::Tensor pooled_rows = layers::to_device(
      fixed_shapes ? layers::padded_copy(spans.pooled_row, kInvariantTileRows) : spans.pooled_row, device_);
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
  const layers::ComputeTarget target = layers::resolve_compute_target(options);
  const DecoderLayout layout = resolve_layout(spec, config);
  auto model = std::make_unique<DecoderModel>(config, layout, target.dtype, target.device, options.batch_invariant);
  model->load(checkpoint, spec, options.dtype, options.device);
  return model;
}

std::unique_ptr<CausalLanguageModel> build_decoder_causal_lm(const ModelConfig& config, const ArchitectureSpec&,
                                                             const io::SafetensorsCheckpoint&, const LoadOptions&) {
  // Not implemented yet (the lm_head path is being added); refuse clearly rather than guess.
  throw ModelError(config.source + ": causal-LM log-probabilities are not implemented yet for this architecture");
}

}  // namespace rb::model

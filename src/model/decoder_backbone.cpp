// The shared decoder's layer stack. Every op follows transformers' modeling_llama.py (and its
// Mistral/Qwen2/Qwen3 copies), modeling_gemma*.py, modeling_stablelm.py, modeling_starcoder2.py,
// modeling_olmo.py and modeling_olmo2.py in order and dtype, so fp32 results agree with
// transformers to float rounding: norms as norm() says per kind, RoPE tables from float32
// positions * inv_freq cast to the compute dtype (on the leading rotary_dim dims of each head),
// eager attention (matmul * scale, optional tanh soft-cap, causal/window mask, float32 softmax
// cast back), gated or plain MLP, residual adds in the compute dtype.
// Batches are packed (no padding): token-wise ops run on the flat [T, hidden] tensor and
// attention runs per sequence on CPU; on CUDA in the reference's padded layout
// (layers::attend_packed_slots) or, with flash_attention_2, as one variable-length flash call.
#include "model/decoder_backbone.h"

#include <cmath>

#include "common/error.h"
#include "model/rope.h"

namespace rb::model {

using layers::kInvariantTileRows;
using layers::Linear;
using layers::PackedSpans;

// Rows the reference layout gives a head a multiple of (DecoderBackbone::pooled_head).
constexpr int64_t kReferenceRowMultiple = 8;

DecoderBackbone::DecoderBackbone(const ModelConfig& config, const DecoderLayout& layout,
                                 const layers::ComputeTarget& target, bool batch_invariant)
    : config_(config), layout_(layout), target_(target), batch_invariant_(batch_invariant) {}

Linear DecoderBackbone::make_linear(at::Tensor weight, at::Tensor bias) const {
  Linear linear;
  linear.weight = std::move(weight);
  linear.bias = std::move(bias);
  linear.fixed_tiles = batch_invariant_;
  return linear;
}

Linear DecoderBackbone::load_linear(WeightLoader& loader, const std::string& name, int64_t out, int64_t in,
                                    bool bias) const {
  return layers::load_linear(loader, name, out, in, bias, batch_invariant_);
}

NormWeights DecoderBackbone::load_norm(WeightLoader& loader, const std::string& name, int64_t width) const {
  NormWeights norm;
  if (layout_.norm == NormKind::LayerNormNoParams) return norm;
  norm.weight = loader.load(name + ".weight", {width});
  if (layout_.norm == NormKind::LayerNorm) norm.bias = loader.load(name + ".bias", {width});
  return norm;
}

void DecoderBackbone::load_qk_norms(WeightLoader& loader, const std::string& at_layer, DecoderLayer& layer) const {
  const int64_t head_dim = layout_.head_dim;
  const int64_t heads = config_.num_attention_heads, kv_heads = config_.num_key_value_heads;
  switch (layout_.qk_norm) {
    case QkNorm::None: return;
    case QkNorm::PerHeadRms:
      layer.q_norm.weight = loader.load(at_layer + "self_attn.q_norm.weight", {head_dim});
      layer.k_norm.weight = loader.load(at_layer + "self_attn.k_norm.weight", {head_dim});
      return;
    case QkNorm::FullWidthRms:
      layer.q_norm.weight = loader.load(at_layer + "self_attn.q_norm.weight", {heads * head_dim});
      layer.k_norm.weight = loader.load(at_layer + "self_attn.k_norm.weight", {kv_heads * head_dim});
      return;
    case QkNorm::PerHeadLayerNorm: {
      auto per_head = [&](const std::string& name, int64_t count) {
        std::vector<at::Tensor> rows;
        for (int64_t h = 0; h < count; ++h)
          rows.push_back(loader.load(at_layer + "self_attn." + name + ".norms." + std::to_string(h) + ".weight", {head_dim}));
        return at::stack(rows);
      };
      layer.q_norm.weight = per_head("q_layernorm", heads);
      layer.k_norm.weight = per_head("k_layernorm", kv_heads);
      return;
    }
  }
}

DecoderLayer DecoderBackbone::load_layer(WeightLoader& loader, const std::string& prefix, int64_t index) const {
  const std::string at_layer = prefix + layout_.names.layers + "." + std::to_string(index) + ".";
  const int64_t hidden = config_.hidden_size;
  const int64_t head_dim = layout_.head_dim;
  const int64_t q_width = config_.num_attention_heads * head_dim;
  const int64_t kv_width = config_.num_key_value_heads * head_dim;
  const int64_t inner = config_.intermediate_size;
  const NormPlacement placement = layout_.placement;
  const DecoderNames& names = layout_.names;
  DecoderLayer layer;
  if (placement != NormPlacement::Post) layer.input_norm = load_norm(loader, at_layer + names.input_norm, hidden);
  if (placement != NormPlacement::Parallel)
    layer.post_attention_norm = load_norm(loader, at_layer + names.post_attention_norm, hidden);
  if (placement == NormPlacement::Sandwich)
    layer.pre_feedforward_norm = load_norm(loader, at_layer + "pre_feedforward_layernorm", hidden);
  if (placement == NormPlacement::Sandwich || placement == NormPlacement::Post)
    layer.post_feedforward_norm = load_norm(loader, at_layer + "post_feedforward_layernorm", hidden);
  if (names.fused_qkv.empty()) {
    layer.q = load_linear(loader, at_layer + names.q, q_width, hidden, layout_.qkv_bias);
    layer.k = load_linear(loader, at_layer + names.k, kv_width, hidden, layout_.qkv_bias);
    layer.v = load_linear(loader, at_layer + names.v, kv_width, hidden, layout_.qkv_bias);
  } else {
    load_fused_qkv(loader, at_layer + names.fused_qkv, layer);
  }
  layer.o = load_linear(loader, at_layer + names.o, hidden, q_width, layout_.o_bias);
  load_qk_norms(loader, at_layer, layer);
  layer.sparse = layout_.mlp == MlpKind::SparseMoe && layout_.moe.sparse_layer[static_cast<size_t>(index)];
  if (layer.sparse) {
    load_moe(loader, at_layer, layer);
  } else if (layout_.mlp != MlpKind::Plain) {
    if (names.fused_up_gate.empty()) {
      layer.gate = load_linear(loader, at_layer + names.gate, inner, hidden, layout_.mlp_bias);
      layer.up = load_linear(loader, at_layer + names.up, inner, hidden, layout_.mlp_bias);
    } else {
      load_fused_up_gate(loader, at_layer + names.fused_up_gate, layer);
    }
    layer.down = load_linear(loader, at_layer + names.down, hidden, inner, layout_.mlp_bias);
  } else {
    layer.up = load_linear(loader, at_layer + "mlp.c_fc", inner, hidden, layout_.mlp_bias);
    layer.down = load_linear(loader, at_layer + "mlp.c_proj", hidden, inner, layout_.mlp_bias);
  }
  const std::optional<int64_t> window = layout_.window_per_layer[static_cast<size_t>(index)];
  layer.attention = {layout_.attention_scale, window, layout_.attn_logit_softcapping, target_.reference_layout,
                     target_.eager_attention};
  layer.uses_sliding_rope = layout_.sliding_rope.has_value() && window.has_value();
  return layer;
}

// Mixtral checkpoints name the block block_sparse_moe with experts.<e>.w1/w2/w3 (gate, down, up);
// Qwen2-MoE names it mlp with experts.<e>.gate_proj/up_proj/down_proj; transformers 5 saves both
// as mlp.experts.gate_up_proj [experts, 2 * inner, hidden] and mlp.experts.down_proj.
void DecoderBackbone::load_moe(WeightLoader& loader, const std::string& at_layer, DecoderLayer& layer) const {
  const MoeLayout& moe = layout_.moe;
  const int64_t hidden = config_.hidden_size, inner = moe.expert_intermediate;
  const std::string block = at_layer + (loader.contains(at_layer + "block_sparse_moe.gate.weight") ? "block_sparse_moe." : "mlp.");
  layer.moe.router = make_linear(loader.load(block + "gate.weight", {moe.experts, hidden}));
  if (loader.contains(block + "experts.gate_up_proj")) {
    const at::Tensor gate_up = loader.load(block + "experts.gate_up_proj", {moe.experts, 2 * inner, hidden});
    const at::Tensor down = loader.load(block + "experts.down_proj", {moe.experts, hidden, inner});
    for (int64_t e = 0; e < moe.experts; ++e) {
      layer.moe.gate.push_back(make_linear(gate_up[e].slice(0, 0, inner)));
      layer.moe.up.push_back(make_linear(gate_up[e].slice(0, inner, 2 * inner)));
      layer.moe.down.push_back(make_linear(down[e]));
    }
  } else {
    const bool mixtral_names = loader.contains(block + "experts.0.w1.weight");
    for (int64_t e = 0; e < moe.experts; ++e) {
      const std::string expert = block + "experts." + std::to_string(e) + ".";
      layer.moe.gate.push_back(load_linear(loader, expert + (mixtral_names ? "w1" : "gate_proj"), inner, hidden, false));
      layer.moe.up.push_back(load_linear(loader, expert + (mixtral_names ? "w3" : "up_proj"), inner, hidden, false));
      layer.moe.down.push_back(load_linear(loader, expert + (mixtral_names ? "w2" : "down_proj"), hidden, inner, false));
    }
  }
  if (moe.shared_intermediate > 0) {
    const std::string shared = block + "shared_expert.";
    layer.moe.shared_gate = load_linear(loader, shared + "gate_proj", moe.shared_intermediate, hidden, false);
    layer.moe.shared_up = load_linear(loader, shared + "up_proj", moe.shared_intermediate, hidden, false);
    layer.moe.shared_down = load_linear(loader, shared + "down_proj", hidden, moe.shared_intermediate, false);
    layer.moe.shared_expert_gate = load_linear(loader, block + "shared_expert_gate", 1, hidden, false);
  }
}

// Splits a fused projection's rows into Linear layers of the given row counts, in order; the same
// rows as separate layers give the same dot products.
std::vector<Linear> DecoderBackbone::load_row_split(WeightLoader& loader, const std::string& name,
                                                    const std::vector<int64_t>& rows, bool bias) const {
  int64_t total = 0;
  for (int64_t count : rows) total += count;
  const int64_t hidden = config_.hidden_size;
  const at::Tensor weight = loader.load(name + ".weight", {total, hidden});
  const at::Tensor bias_values = bias ? loader.load(name + ".bias", {total}) : at::Tensor();
  std::vector<Linear> parts;
  int64_t begin = 0;
  for (int64_t count : rows) {
    parts.push_back(make_linear(weight.slice(0, begin, begin + count).contiguous(),
                                bias ? bias_values.slice(0, begin, begin + count).contiguous() : at::Tensor()));
    begin += count;
  }
  return parts;
}

// hf_olmo's ff_proj: [up | gate] rows (SwiGLU: x, gate = chunk(2); silu(gate) * x).
void DecoderBackbone::load_fused_up_gate(WeightLoader& loader, const std::string& name, DecoderLayer& layer) const {
  const int64_t inner = config_.intermediate_size;
  std::vector<Linear> parts = load_row_split(loader, name, {inner, inner}, layout_.mlp_bias);
  layer.up = std::move(parts[0]);
  layer.gate = std::move(parts[1]);
}

// InternLM2's wqkv: rows grouped per kv head as [groups query heads | key | value], each head_dim
// rows; the same rows regrouped into q, k and v give the same dot products. hf_olmo's att_proj:
// [queries | keys | values].
void DecoderBackbone::load_fused_qkv(WeightLoader& loader, const std::string& name, DecoderLayer& layer) const {
  const int64_t hidden = config_.hidden_size, head_dim = layout_.head_dim;
  if (layout_.names.fused_qkv_layout == FusedQkvLayout::Contiguous) {
    const int64_t q_width = config_.num_attention_heads * head_dim, kv_width = config_.num_key_value_heads * head_dim;
    std::vector<Linear> parts = load_row_split(loader, name, {q_width, kv_width, kv_width}, layout_.qkv_bias);
    layer.q = std::move(parts[0]);
    layer.k = std::move(parts[1]);
    layer.v = std::move(parts[2]);
    return;
  }
  const int64_t kv_heads = config_.num_key_value_heads, groups = config_.num_attention_heads / kv_heads;
  const int64_t rows = kv_heads * (groups + 2) * head_dim;
  const at::Tensor weight = loader.load(name + ".weight", {rows, hidden}).view({kv_heads, groups + 2, head_dim, hidden});
  at::Tensor bias;
  if (layout_.qkv_bias) bias = loader.load(name + ".bias", {rows}).view({kv_heads, groups + 2, head_dim});
  auto part = [&](int64_t begin, int64_t end) {
    const int64_t out = kv_heads * (end - begin) * head_dim;
    return make_linear(weight.slice(1, begin, end).reshape({out, hidden}).contiguous(),
                       bias.defined() ? bias.slice(1, begin, end).reshape({out}).contiguous() : at::Tensor());
  };
  layer.q = part(0, groups);
  layer.k = part(groups, groups + 1);
  layer.v = part(groups + 1, groups + 2);
}

void DecoderBackbone::load(WeightLoader& loader) {
  const std::string& prefix = layout_.names.model_prefix;
  embed_ = loader.load(prefix + layout_.names.embed + ".weight", {config_.vocab_size, config_.hidden_size});
  for (int64_t i = 0; i < config_.num_hidden_layers; ++i) layers_.push_back(load_layer(loader, prefix, i));
  final_norm_ = load_norm(loader, prefix + layout_.names.final_norm, config_.hidden_size);
  // rope_inv_freq applies partial_rotary_factor itself (rotary_dim / 2 frequencies), as transformers does.
  inv_freq_ = layers::to_device(rope_inv_freq(layout_.rope, layout_.head_dim), target_.device);
  if (layout_.sliding_rope)
    sliding_inv_freq_ = layers::to_device(rope_inv_freq(*layout_.sliding_rope, layout_.head_dim), target_.device);
}

// Each kind as its transformers module computes it, op for op and dtype for dtype.
at::Tensor DecoderBackbone::norm(const at::Tensor& x, const NormWeights& weights) const {
  const double eps = layout_.norm_eps;
  switch (layout_.norm) {
    case NormKind::Rms: return layers::rms_norm(x, weights.weight, eps);
    case NormKind::RmsOnePlus:
    case NormKind::RmsWeightFirst: {
      at::Tensor x32 = x.to(at::kFloat);
      x32 = x32 * at::rsqrt(x32.pow(2).mean(-1, /*keepdim=*/true) + eps);
      if (layout_.norm == NormKind::RmsOnePlus) return (x32 * (weights.weight.to(at::kFloat) + 1.0)).to(x.scalar_type());
      return (weights.weight * x32).to(x.scalar_type());
    }
    case NormKind::LayerNorm: return at::layer_norm(x, {x.size(-1)}, weights.weight, weights.bias, eps);
    case NormKind::LayerNormNoParams:
      return at::layer_norm(x.to(at::kFloat), {x.size(-1)}, {}, {}, eps).to(x.scalar_type());
  }
  return x;
}

// heads: [rows, heads, head_dim].
at::Tensor DecoderBackbone::qk_norm(const at::Tensor& heads, const NormWeights& weights) const {
  switch (layout_.qk_norm) {
    case QkNorm::None: return heads;
    case QkNorm::PerHeadRms: return norm(heads, weights);
    case QkNorm::FullWidthRms: {
      const at::Tensor flat = heads.reshape({heads.size(0), heads.size(1) * heads.size(2)});
      return norm(flat, weights).view(heads.sizes());
    }
    case QkNorm::PerHeadLayerNorm: {
      // One nn.LayerNorm(head_dim, bias=False) per head, as StableLmLayerNormPerHead applies them.
      std::vector<at::Tensor> normed;
      for (int64_t h = 0; h < heads.size(1); ++h)
        normed.push_back(at::layer_norm(heads.select(1, h), {heads.size(2)}, weights.weight[h], {}, layout_.norm_eps));
      return at::stack(normed, 1);
    }
  }
  return heads;
}

// Gemma multiplies embeddings by sqrt(hidden_size) rounded to the compute dtype.
at::Tensor DecoderBackbone::embed(const PackedSpans& spans) const {
  at::Tensor x = embed_.index_select(0, layers::to_device(spans.token_ids, target_.device));
  if (layout_.embedding_multiplier) return x * *layout_.embedding_multiplier;
  if (!layout_.scale_embeddings) return x;
  const double normalizer = std::sqrt(static_cast<double>(config_.hidden_size));
  return x * at::scalar_tensor(normalizer, at::TensorOptions().dtype(target_.dtype).device(target_.device));
}

DecoderBackbone::Rotary DecoderBackbone::rotary(const PackedSpans& spans) const {
  if (layout_.rope.type == RopeType::Dynamic && config_.max_position_embeddings > 0) {
    for (int64_t position : spans.positions)
      if (position >= config_.max_position_embeddings)
        throw ModelError(config_.source + ": a sequence reaches position " + std::to_string(position) +
                         ", beyond max_position_embeddings " + std::to_string(config_.max_position_embeddings) +
                         " where dynamic rope scaling would change the frequencies; not supported (lower --max_length)");
  }
  const at::Tensor positions = layers::to_device(spans.positions, target_.device);
  Rotary tables;
  const at::ScalarType table_dtype = layout_.rope_in_float32 ? at::kFloat : target_.dtype;
  std::tie(tables.cos, tables.sin) = layers::rotary_tables(positions, inv_freq_, table_dtype);
  if (sliding_inv_freq_.defined())
    std::tie(tables.sliding_cos, tables.sliding_sin) = layers::rotary_tables(positions, sliding_inv_freq_, target_.dtype);
  return tables;
}

// RoPE on the first rotary_dim dims of each head; the rest passes through (StableLM).
at::Tensor DecoderBackbone::rotate(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) const {
  const int64_t rotary = layout_.rotary_dim;
  if (layout_.rope_in_float32 && rotary == layout_.head_dim)
    return layers::apply_rotary(x.to(at::kFloat), cos, sin).to(x.scalar_type());
  if (rotary == layout_.head_dim) return layers::apply_rotary(x, cos, sin);
  return at::cat({layers::apply_rotary(x.slice(-1, 0, rotary), cos, sin), x.slice(-1, rotary)}, -1);
}

// Projection -> [rows, heads, head_dim] -> optional q/k norm -> optional clamp (OLMo, OLMoE: the
// clamp follows OLMoE's q/k norms) -> RoPE.
at::Tensor DecoderBackbone::project_heads(const Linear& projection, const NormWeights& norm_weights,
                                          const at::Tensor& h, int64_t heads, const at::Tensor& cos,
                                          const at::Tensor& sin) const {
  at::Tensor x = qk_norm(projection(h).view({h.size(0), heads, layout_.head_dim}), norm_weights);
  if (layout_.clip_qkv) x = x.clamp(-*layout_.clip_qkv, *layout_.clip_qkv);
  return rotate(x, cos, sin);
}

at::Tensor DecoderBackbone::project_values(const DecoderLayer& layer, const at::Tensor& h) const {
  at::Tensor v = layer.v(h);
  if (layout_.clip_qkv) v = v.clamp(-*layout_.clip_qkv, *layout_.clip_qkv);
  return v.view({h.size(0), config_.num_key_value_heads, layout_.head_dim});
}

// Experts in increasing order, each over its tokens in (top-k slot, token) order, added into
// zeros as transformers' index_add_ does; a token's weights are its renormalised top-k softmax.
at::Tensor DecoderBackbone::moe(const MoeWeights& weights, const at::Tensor& x) const {
  const MoeLayout& moe = layout_.moe;
  const at::Tensor probabilities = at::softmax(weights.router(x), -1, at::kFloat);
  auto [top, chosen] = at::topk(probabilities, moe.top_k, -1);
  if (moe.normalize_top_k) top = top / top.sum(-1, /*keepdim=*/true);
  if (!moe.float32_weights) top = top.to(x.scalar_type());
  at::Tensor out = at::zeros_like(x);
  for (int64_t e = 0; e < moe.experts; ++e) {
    const at::Tensor hits = chosen.eq(e).t().nonzero();  // rows (slot, token), slot-major
    if (hits.size(0) == 0) continue;
    const at::Tensor slot = hits.select(1, 0), token = hits.select(1, 1);
    const at::Tensor rows = x.index_select(0, token);
    const size_t i = static_cast<size_t>(e);
    at::Tensor y = weights.down[i](layers::activate(weights.gate[i](rows), layout_.activation) * weights.up[i](rows));
    y = (y * top.reshape({-1}).index_select(0, token * moe.top_k + slot).unsqueeze(-1)).to(x.scalar_type());
    out.index_add_(0, token, y);
  }
  if (moe.shared_intermediate > 0) {
    const at::Tensor shared =
        weights.shared_down(layers::activate(weights.shared_gate(x), layout_.activation) * weights.shared_up(x));
    out = out + at::sigmoid(weights.shared_expert_gate(x)) * shared;
  }
  return out;
}

at::Tensor DecoderBackbone::mlp(const DecoderLayer& layer, const at::Tensor& x) const {
  if (layer.sparse) return moe(layer.moe, x);
  if (layout_.mlp == MlpKind::Plain) return layer.down(layers::activate(layer.up(x), layout_.activation));
  return layer.down(layers::activate(layer.gate(x), layout_.activation) * layer.up(x));
}

at::Tensor DecoderBackbone::attention_input(const DecoderLayer& layer, const at::Tensor& x) const {
  return layout_.placement == NormPlacement::Post ? x : norm(x, layer.input_norm);
}

at::Tensor DecoderBackbone::finish_layer(const DecoderLayer& layer, const at::Tensor& residual, const at::Tensor& h,
                                         const at::Tensor& attended) const {
  at::Tensor attention_out = layer.o(attended);
  switch (layout_.placement) {
    case NormPlacement::Pre: {
      if (layout_.residual_multiplier) {  // MiniCPM
        const double scale = *layout_.residual_multiplier;
        at::Tensor hidden = residual + attention_out * scale;
        return hidden + mlp(layer, norm(hidden, layer.post_attention_norm)) * scale;
      }
      at::Tensor hidden = residual + attention_out;
      return hidden + mlp(layer, norm(hidden, layer.post_attention_norm));
    }
    case NormPlacement::Sandwich: {
      at::Tensor hidden = residual + norm(attention_out, layer.post_attention_norm);
      return hidden + norm(mlp(layer, norm(hidden, layer.pre_feedforward_norm)), layer.post_feedforward_norm);
    }
    case NormPlacement::Post: {
      at::Tensor hidden = residual + norm(attention_out, layer.post_attention_norm);
      return hidden + norm(mlp(layer, hidden), layer.post_feedforward_norm);
    }
    case NormPlacement::Parallel: return residual + attention_out + mlp(layer, h);
  }
  return residual;
}

at::Tensor DecoderBackbone::full_layer(const DecoderLayer& layer, const at::Tensor& x, const Rotary& rotary,
                                       const PackedSpans& spans) const {
  const at::Tensor& cos = layer.uses_sliding_rope ? rotary.sliding_cos : rotary.cos;
  const at::Tensor& sin = layer.uses_sliding_rope ? rotary.sliding_sin : rotary.sin;
  at::Tensor h = attention_input(layer, x);
  at::Tensor q = project_heads(layer.q, layer.q_norm, h, config_.num_attention_heads, cos, sin);
  at::Tensor k = project_heads(layer.k, layer.k_norm, h, config_.num_key_value_heads, cos, sin);
  at::Tensor v = project_values(layer, h);
  return finish_layer(layer, x, h, layers::attend_packed(q, k, v, spans, layer.attention, x.size(0)));
}

// Last layer of a scoring pass: keys/values for every token, but queries, o_proj and MLP only
// for the pooled rows.
at::Tensor DecoderBackbone::pooled_layer(const DecoderLayer& layer, const at::Tensor& x, const Rotary& rotary,
                                         const PackedSpans& spans, const at::Tensor& pooled_rows) const {
  const at::Tensor& cos = layer.uses_sliding_rope ? rotary.sliding_cos : rotary.cos;
  const at::Tensor& sin = layer.uses_sliding_rope ? rotary.sliding_sin : rotary.sin;
  at::Tensor h = attention_input(layer, x);
  at::Tensor k = project_heads(layer.k, layer.k_norm, h, config_.num_key_value_heads, cos, sin);
  at::Tensor v = project_values(layer, h);
  const at::Tensor pooled_h = h.index_select(0, pooled_rows);
  at::Tensor q = project_heads(layer.q, layer.q_norm, pooled_h, config_.num_attention_heads,
                               cos.index_select(0, pooled_rows), sin.index_select(0, pooled_rows));
  at::Tensor attended = layers::attend_pooled(q, k, v, spans, layer.attention);
  return finish_layer(layer, x.index_select(0, pooled_rows), pooled_h, attended);
}

at::Tensor DecoderBackbone::run_all(const PackedSpans& spans) const {
  at::Tensor x = embed(spans);
  const Rotary tables = rotary(spans);
  for (const DecoderLayer& layer : layers_) x = full_layer(layer, x, tables, spans);
  return norm(x, final_norm_);
}

at::Tensor DecoderBackbone::run_pooled(const PackedSpans& spans, const at::Tensor& pooled_rows) const {
  at::Tensor x = embed(spans);
  const Rotary tables = rotary(spans);
  for (size_t i = 0; i + 1 < layers_.size(); ++i) x = full_layer(layers_[i], x, tables, spans);
  x = pooled_layer(layers_.back(), x, tables, spans, pooled_rows);
  return norm(x, final_norm_);
}

at::Tensor DecoderBackbone::pooled_head(const PackedBatch& batch,
                                        const std::function<at::Tensor(const at::Tensor&)>& head) const {
  PackedSpans spans = layers::trim_to_pooled(batch);
  if (reference_layout()) {
    // transformers applies the head to batch x length rows, a multiple of 8 whenever the batch size
    // is; cuBLAS picks its kernel (and so the rounding) by the row count, and on an H100 every
    // multiple of 8 tried rounded alike while other counts did not (GRM's MLP head: 240-269 of
    // 400 bf16 scores differed; tools/parity/head_rounding.py), so the head gets zero rows up to one.
    at::Tensor hidden = run_all(spans);
    const int64_t rows = hidden.size(0);
    const int64_t padded_rows = (rows + kReferenceRowMultiple - 1) / kReferenceRowMultiple * kReferenceRowMultiple;
    if (padded_rows != rows) hidden = at::constant_pad_nd(hidden, {0, 0, 0, padded_rows - rows});
    return head(hidden).index_select(0, pooled_rows(spans, false));
  }
  const bool padded = pad_for_invariance(spans);
  return head(run_pooled(spans, pooled_rows(spans, padded)));
}

bool DecoderBackbone::pad_for_invariance(PackedSpans& spans) const {
  if (!batch_invariant_ || !target_.device.is_cpu()) return false;
  layers::pad_to_multiple(spans, kInvariantTileRows);
  return true;
}

at::Tensor DecoderBackbone::pooled_rows(const PackedSpans& spans, bool padded) const {
  return layers::to_device(padded ? layers::padded_copy(spans.pooled_row, kInvariantTileRows) : spans.pooled_row,
                           target_.device);
}

DecoderBackbone DecoderBackbone::from_source(const DecoderVariant& variant, const ModelSource& source) {
  const ModelConfig config = parse_model_config(source.config);
  return DecoderBackbone(config, resolve_layout(variant, config), layers::resolve_compute_target(source.options),
                         source.options.batch_invariant);
}

WeightLoader DecoderBackbone::load_weights(const io::SafetensorsCheckpoint& checkpoint) {
  WeightLoader loader(checkpoint, target_.dtype, target_.device);
  load(loader);
  return loader;
}

ModelInfo DecoderBackbone::describe(const std::string& class_name, const std::string& family_model_type,
                                    int64_t num_labels, const WeightLoader& loader, const LoadOptions& options) const {
  return describe_model(config_.common, class_name, family_model_type, num_labels, config_.vocab_size,
                        {loader.parameters_loaded(), embed_.numel()}, options);
}

}  // namespace rb::model

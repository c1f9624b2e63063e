// DebertaV2ForSequenceClassification (DeBERTa-v2 and v3, e.g. OpenAssistant/reward-model-deberta-v3-
// large-v2), op for op as transformers' modeling_deberta_v2.py evaluates it in eval mode:
//   embeddings: word (embedding_size) [+ absolute positions if position_biased_input] [+ token type 0
//     if type_vocab_size > 0] [-> embed_proj if embedding_size != hidden_size] -> LayerNorm;
//   encoder layers: disentangled self-attention (q/k/v with bias; scores = q.(k / s) + c2p / s + p2c / s,
//     s = sqrt(head_size * (1 + |pos_att_type|)) rounded to the compute dtype; c2p = q . pos_key, p2c =
//     k . pos_query gathered at the log-bucketed relative position; pos_key/pos_query are key_proj /
//     query_proj (share_att_key) or pos_key_proj / pos_query_proj of the rel_embeddings, LayerNorm-ed
//     when norm_rel_ebd has layer_norm), softmax in the compute dtype, output dense + residual ->
//     LayerNorm, intermediate dense + activation, output dense + residual -> LayerNorm;
//   ConvLayer after layer 0 when conv_kernel_size > 0 (conv over the embedding output, activation,
//     + layer 0's output -> LayerNorm);
//   ContextPooler (dense of the FIRST token, then pooler_hidden_act; pooler dropout is inert at
//     inference) and the classifier Linear, in the compute dtype, widened to float32.
// This is a bidirectional encoder: every token of a sequence attends to every token of the same
// sequence (no causal mask), so the packed batch's sequences are whole and padding-free; the
// reference's right padding is masked out of every row that matters, so scores match. The pooled
// token is the first token of each sequence whatever PackedBatch.pool_index says (the pipeline
// computes that index for decoders). Absolute positions, when the model has them, are
// position_start + t. The last layer runs queries, output and feed-forward for the first token of
// each sequence only. Attention is plain (no flash kernel computes the disentangled bias; the math
// is in deberta_v2_attention.cpp): one sequence at a time in batch-invariant CPU mode, else over
// padded groups of sequences with the padding keys masked (CUDA; CPU without batch invariance).
// Every op used exists in libtorch 1.13 and 2.x.
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <cmath>

#include "common/error.h"
#include "model/architecture.h"
#include "model/models/deberta_v2_attention.h"
#include "model/models/deberta_v2_config.h"
#include "model/torch_layers.h"
#include "model/torch_weights.h"

namespace rb::model {
namespace {

using layers::Linear;

using layers::LayerNorm;

struct EncoderLayer {
  Linear query, key, value;
  Linear pos_key, pos_query;  // only without share_att_key (c2p / p2c respectively)
  Linear attention_dense;
  LayerNorm attention_norm;
  Linear intermediate;
  Linear output_dense;
  LayerNorm output_norm;
};

struct ConvBlock {
  at::Tensor weight;  // [hidden, hidden / groups, kernel]
  at::Tensor bias;
  LayerNorm norm;
};

using deberta::PaddedGroup;
using deberta::RelativeIndexCache;
using deberta::RelativeProjections;

// Without batch invariance (CUDA, or CPU when not asked for), attention runs over padded groups
// of sequences whose score tensors stay under this many elements, instead of one sequence at a
// time (far fewer kernel launches on a GPU).
constexpr int64_t kCpuGroupElements = int64_t{1} << 25;
constexpr int64_t kCudaGroupElements = int64_t{1} << 28;

// [rows, heads * D] -> [heads, rows, D]
at::Tensor split_heads(const at::Tensor& x, int64_t heads) {
  return x.view({x.size(0), heads, -1}).transpose(0, 1).contiguous();
}

// [heads, rows, D] -> [rows, heads * D]
at::Tensor merge_heads(const at::Tensor& x) { return x.transpose(0, 1).reshape({x.size(1), -1}); }

class DebertaV2Model final : public RewardModel {
 public:
  DebertaV2Model(const DebertaV2Config& config, const layers::ComputeTarget& target, bool batch_invariant)
      : config_(config), dtype_(target.dtype), device_(target.device),
        batch_invariant_(batch_invariant && target.device.is_cpu()) {}

  void load(const io::SafetensorsCheckpoint& checkpoint, const LoadOptions& options);
  std::vector<std::vector<float>> score(const PackedBatch& batch) override;
  const ModelInfo& info() const override { return info_; }

 private:
  LayerNorm load_layer_norm(WeightLoader& loader, const std::string& name) const;
  Linear load_linear(WeightLoader& loader, const std::string& name, int64_t out, int64_t in, bool bias) const {
    return layers::load_linear(loader, name, out, in, bias, batch_invariant_);
  }
  EncoderLayer load_layer(WeightLoader& loader, int64_t index) const;
  int64_t load_embeddings(WeightLoader& loader);
  void load_encoder_extras(WeightLoader& loader);

  void check_positions(const PackedBatch& batch) const;
  at::Tensor embed(const layers::PackedSpans& spans) const;
  at::Tensor relative_embeddings() const;
  RelativeProjections relative_projections(const EncoderLayer& layer, const at::Tensor& rel) const;
  at::Tensor feed_forward(const EncoderLayer& layer, const at::Tensor& attention_output) const;
  at::Tensor attend_each(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const layers::PackedSpans& spans,
                         const RelativeProjections& rel, RelativeIndexCache& indices, bool first_token_only) const;
  at::Tensor attend_grouped(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                            const std::vector<PaddedGroup>& groups, const RelativeProjections& rel,
                            RelativeIndexCache& indices, bool first_token_only) const;
  at::Tensor full_layer(const EncoderLayer& layer, const at::Tensor& x, const layers::PackedSpans& spans,
                        const std::vector<PaddedGroup>& groups, const at::Tensor& rel, RelativeIndexCache& indices) const;
  at::Tensor pooled_layer(const EncoderLayer& layer, const at::Tensor& x, const layers::PackedSpans& spans,
                          const std::vector<PaddedGroup>& groups, const at::Tensor& rel, RelativeIndexCache& indices,
                          const at::Tensor& pooled_rows) const;
  at::Tensor conv_output(const at::Tensor& embedded, const layers::PackedSpans& spans) const;

  DebertaV2Config config_;
  at::ScalarType dtype_;
  at::Device device_;
  bool batch_invariant_;
  ModelInfo info_;
  at::Tensor word_embeddings_;
  at::Tensor position_embeddings_;    // position_biased_input only
  at::Tensor token_type_embedding_;   // row 0 of token_type_embeddings, type_vocab_size > 0 only
  Linear embed_proj_;                 // embedding_size != hidden_size only
  bool has_embed_proj_ = false;
  LayerNorm embedding_norm_;
  at::Tensor rel_embeddings_;         // relative_attention only
  LayerNorm rel_norm_;
  std::optional<ConvBlock> conv_;
  std::vector<EncoderLayer> layers_;
  Linear pooler_dense_;
  Linear classifier_;
  at::Tensor scale_;  // 0-dim, sqrt(head_size * scale_factor) in float32 rounded to the compute dtype
};

LayerNorm DebertaV2Model::load_layer_norm(WeightLoader& loader, const std::string& name) const {
  return layers::load_layer_norm(loader, name, config_.hidden_size, config_.layer_norm_eps);
}

EncoderLayer DebertaV2Model::load_layer(WeightLoader& loader, int64_t index) const {
  const std::string prefix = "deberta.encoder.layer." + std::to_string(index) + ".";
  const int64_t hidden = config_.hidden_size;
  const int64_t all_heads = config_.num_attention_heads * config_.attention_head_size;
  EncoderLayer layer;
  layer.query = load_linear(loader, prefix + "attention.self.query_proj", all_heads, hidden, true);
  layer.key = load_linear(loader, prefix + "attention.self.key_proj", all_heads, hidden, true);
  layer.value = load_linear(loader, prefix + "attention.self.value_proj", all_heads, hidden, true);
  if (config_.relative_attention && !config_.share_att_key) {
    if (config_.c2p) layer.pos_key = load_linear(loader, prefix + "attention.self.pos_key_proj", all_heads, hidden, true);
    if (config_.p2c)
      layer.pos_query = load_linear(loader, prefix + "attention.self.pos_query_proj", all_heads, hidden, true);
  }
  layer.attention_dense = load_linear(loader, prefix + "attention.output.dense", hidden, all_heads, true);
  layer.attention_norm = load_layer_norm(loader, prefix + "attention.output.LayerNorm");
  layer.intermediate = load_linear(loader, prefix + "intermediate.dense", config_.intermediate_size, hidden, true);
  layer.output_dense = load_linear(loader, prefix + "output.dense", hidden, config_.intermediate_size, true);
  layer.output_norm = load_layer_norm(loader, prefix + "output.LayerNorm");
  return layer;
}

// Returns the parameters of the embedding tables (word, position, token type).
int64_t DebertaV2Model::load_embeddings(WeightLoader& loader) {
  const int64_t width = config_.embedding_size;
  word_embeddings_ = loader.load("deberta.embeddings.word_embeddings.weight", {config_.vocab_size, width});
  if (config_.position_biased_input)
    position_embeddings_ =
        loader.load("deberta.embeddings.position_embeddings.weight", {config_.max_position_embeddings, width});
  if (config_.type_vocab_size > 0)  // single sequences: token type 0 everywhere
    token_type_embedding_ =
        loader.load("deberta.embeddings.token_type_embeddings.weight", {config_.type_vocab_size, width})[0];
  const int64_t table_parameters = loader.parameters_loaded();
  has_embed_proj_ = width != config_.hidden_size;
  if (has_embed_proj_)
    embed_proj_ = load_linear(loader, "deberta.embeddings.embed_proj", config_.hidden_size, width, false);
  embedding_norm_ = load_layer_norm(loader, "deberta.embeddings.LayerNorm");
  return table_parameters;
}

void DebertaV2Model::load_encoder_extras(WeightLoader& loader) {
  const int64_t hidden = config_.hidden_size;
  if (config_.relative_attention) {
    rel_embeddings_ = loader.load("deberta.encoder.rel_embeddings.weight", {2 * config_.attention_span(), hidden});
    if (config_.rel_embeddings_layer_norm) rel_norm_ = load_layer_norm(loader, "deberta.encoder.LayerNorm");
  }
  if (config_.conv_kernel_size > 0) {
    ConvBlock conv;
    conv.weight = loader.load("deberta.encoder.conv.conv.weight",
                              {hidden, hidden / config_.conv_groups, config_.conv_kernel_size});
    conv.bias = loader.load("deberta.encoder.conv.conv.bias", {hidden});
    conv.norm = load_layer_norm(loader, "deberta.encoder.conv.LayerNorm");
    conv_ = conv;
  }
}

void DebertaV2Model::load(const io::SafetensorsCheckpoint& checkpoint, const LoadOptions& options) {
  WeightLoader loader(checkpoint, dtype_, device_);
  const int64_t embedding_parameters = load_embeddings(loader);
  load_encoder_extras(loader);
  for (int64_t i = 0; i < config_.num_hidden_layers; ++i) layers_.push_back(load_layer(loader, i));
  pooler_dense_ = load_linear(loader, "pooler.dense", config_.hidden_size, config_.hidden_size, true);
  classifier_ = load_linear(loader, "classifier", config_.common.num_labels, config_.hidden_size, true);

  // scaled_size_sqrt: float32 sqrt(head_size * scale_factor), then .to(compute dtype).
  const float scale = std::sqrt(static_cast<float>(config_.attention_head_size) *
                                static_cast<float>(config_.scale_factor()));
  scale_ = at::scalar_tensor(scale, at::kFloat).to(dtype_).to(device_);

  info_ = describe_model(config_.common, "DebertaV2ForSequenceClassification", "deberta-v2", config_.common.num_labels,
                         config_.vocab_size, {loader.parameters_loaded(), embedding_parameters}, options);
}

void DebertaV2Model::check_positions(const PackedBatch& batch) const {
  if (!config_.position_biased_input) return;  // relative positions only: any length
  for (size_t i = 0; i < batch.num_sequences(); ++i) {
    const int64_t last = batch.position_start[i] + batch.offsets[i + 1] - batch.offsets[i] - 1;
    if (last >= config_.max_position_embeddings)
      throw InputError("packed batch: sequence " + std::to_string(i) + " reaches position " + std::to_string(last) +
                       " but " + config_.source + " has max_position_embeddings " +
                       std::to_string(config_.max_position_embeddings));
  }
}

// DebertaV2Embeddings.forward (the attention-mask multiply is by 1 on every real token).
at::Tensor DebertaV2Model::embed(const layers::PackedSpans& spans) const {
  at::Tensor x = word_embeddings_.index_select(0, layers::to_device(spans.token_ids, device_));
  if (position_embeddings_.defined())
    x = x + position_embeddings_.index_select(0, layers::to_device(spans.positions, device_));
  if (token_type_embedding_.defined()) x = x + token_type_embedding_;
  if (has_embed_proj_) x = embed_proj_(x);
  return embedding_norm_(x);
}

// DebertaV2Encoder.get_rel_embedding.
at::Tensor DebertaV2Model::relative_embeddings() const {
  if (!config_.relative_attention) return {};
  return config_.rel_embeddings_layer_norm ? rel_norm_(rel_embeddings_) : rel_embeddings_;
}

RelativeProjections DebertaV2Model::relative_projections(const EncoderLayer& layer, const at::Tensor& rel) const {
  RelativeProjections projections;
  if (!rel.defined()) return projections;
  const int64_t heads = config_.num_attention_heads;
  if (config_.c2p)
    projections.pos_key = split_heads(config_.share_att_key ? layer.key(rel) : layer.pos_key(rel), heads);
  if (config_.p2c)
    projections.pos_query = split_heads(config_.share_att_key ? layer.query(rel) : layer.pos_query(rel), heads);
  return projections;
}

at::Tensor DebertaV2Model::feed_forward(const EncoderLayer& layer, const at::Tensor& attention_output) const {
  at::Tensor inner = layers::activate(layer.intermediate(attention_output), config_.hidden_act);
  return layer.output_norm(layer.output_dense(inner) + attention_output);
}

// One sequence at a time (batch-invariant: a sequence's ops never see its neighbours). q covers the
// flat rows, or one row per sequence when first_token_only. Returns the context rows in q's order.
at::Tensor DebertaV2Model::attend_each(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                       const layers::PackedSpans& spans, const RelativeProjections& rel,
                                       RelativeIndexCache& indices, bool first_token_only) const {
  const int64_t heads = config_.num_attention_heads;
  std::vector<at::Tensor> outputs;
  for (size_t i = 0; i < spans.begin.size(); ++i) {
    const int64_t b = spans.begin[i], e = b + spans.length[i];
    const at::Tensor keys = split_heads(k.slice(0, b, e), heads);
    const at::Tensor values = split_heads(v.slice(0, b, e), heads);
    const at::Tensor& index = indices.for_length(spans.length[i]);
    if (first_token_only) {
      const auto row = static_cast<int64_t>(i);
      outputs.push_back(merge_heads(deberta::disentangled_attention(
          split_heads(q.slice(0, row, row + 1), heads), keys, values, rel, index.slice(0, 0, 1), scale_, {})));
      continue;
    }
    const at::Tensor queries = split_heads(q.slice(0, b, e), heads);
    std::vector<at::Tensor> blocks;  // query rows in blocks: bounds the [heads, rows, L] tensors
    for (int64_t first = 0; first < spans.length[i]; first += layers::kQueryBlockRows) {
      const int64_t last = std::min(spans.length[i], first + layers::kQueryBlockRows);
      blocks.push_back(deberta::disentangled_attention(queries.slice(1, first, last), keys, values, rel,
                                                       index.slice(0, first, last), scale_, {}));
    }
    outputs.push_back(merge_heads(blocks.size() == 1 ? blocks.front() : at::cat(blocks, 1)));
  }
  return outputs.size() == 1 ? outputs.front() : at::cat(outputs, 0);
}

// Padded groups of sequences, the padding keys masked. Same contract as attend_each.
at::Tensor DebertaV2Model::attend_grouped(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                          const std::vector<PaddedGroup>& groups, const RelativeProjections& rel,
                                          RelativeIndexCache& indices, bool first_token_only) const {
  const int64_t heads = config_.num_attention_heads;
  std::vector<at::Tensor> outputs;
  for (const PaddedGroup& group : groups) {
    const at::Tensor keys = deberta::gather_padded(k, group, heads);
    const at::Tensor values = deberta::gather_padded(v, group, heads);
    const at::Tensor& index = indices.for_length(group.longest);
    const auto n = static_cast<int64_t>(group.last - group.first);
    if (first_token_only) {
      const at::Tensor queries = q.slice(0, static_cast<int64_t>(group.first), static_cast<int64_t>(group.last))
                                     .view({n, 1, heads, -1}).permute({0, 2, 1, 3});
      at::Tensor context = deberta::disentangled_attention(queries, keys, values, rel, index.slice(0, 0, 1), scale_,
                                                           group.key_valid);
      outputs.push_back(context.permute({0, 2, 1, 3}).reshape({n, -1}));
      continue;
    }
    at::Tensor context = deberta::disentangled_attention(deberta::gather_padded(q, group, heads), keys, values, rel,
                                                         index, scale_, group.key_valid);
    outputs.push_back(context.permute({0, 2, 1, 3}).reshape({n * group.longest, -1}).index_select(0, group.real_slots));
  }
  return outputs.size() == 1 ? outputs.front() : at::cat(outputs, 0);
}

at::Tensor DebertaV2Model::full_layer(const EncoderLayer& layer, const at::Tensor& x, const layers::PackedSpans& spans,
                                      const std::vector<PaddedGroup>& groups, const at::Tensor& rel,
                                      RelativeIndexCache& indices) const {
  const at::Tensor q = layer.query(x), k = layer.key(x), v = layer.value(x);
  const RelativeProjections projections = relative_projections(layer, rel);
  const at::Tensor context = batch_invariant_ ? attend_each(q, k, v, spans, projections, indices, false)
                                              : attend_grouped(q, k, v, groups, projections, indices, false);
  return feed_forward(layer, layer.attention_norm(layer.attention_dense(layers::with_padding_rows(context, x.size(0))) + x));
}

// The last layer for each sequence's first token only (the one the pooler reads): keys and values
// of every token, query / output / feed-forward of pooled_rows (one per sequence, then padding).
at::Tensor DebertaV2Model::pooled_layer(const EncoderLayer& layer, const at::Tensor& x, const layers::PackedSpans& spans,
                                        const std::vector<PaddedGroup>& groups, const at::Tensor& rel,
                                        RelativeIndexCache& indices, const at::Tensor& pooled_rows) const {
  const at::Tensor k = layer.key(x), v = layer.value(x);
  const at::Tensor pooled_input = x.index_select(0, pooled_rows);
  const at::Tensor q = layer.query(pooled_input);
  const RelativeProjections projections = relative_projections(layer, rel);
  const at::Tensor context = batch_invariant_ ? attend_each(q, k, v, spans, projections, indices, true)
                                              : attend_grouped(q, k, v, groups, projections, indices, true);
  at::Tensor attention = layer.attention_norm(
      layer.attention_dense(layers::with_padding_rows(context, pooled_rows.size(0))) + pooled_input);
  return feed_forward(layer, attention);
}

// ConvLayer's activation(conv(embedding output)) per sequence, zero-padded at both ends as the
// reference's masked padding is; [rows, hidden] (dummy padding rows zero).
at::Tensor DebertaV2Model::conv_output(const at::Tensor& embedded, const layers::PackedSpans& spans) const {
  std::vector<at::Tensor> outputs;
  for (size_t i = 0; i < spans.begin.size(); ++i) {
    const at::Tensor sequence = embedded.slice(0, spans.begin[i], spans.begin[i] + spans.length[i]).t().unsqueeze(0);
    const at::Tensor convolved = at::conv1d(sequence.contiguous(), conv_->weight, conv_->bias, {1},
                                            {(config_.conv_kernel_size - 1) / 2}, {1}, config_.conv_groups);
    outputs.push_back(convolved.squeeze(0).t());
  }
  at::Tensor out = layers::with_padding_rows(outputs.size() == 1 ? outputs.front() : at::cat(outputs, 0), embedded.size(0));
  return layers::activate(out.contiguous(), config_.conv_act);
}

std::vector<std::vector<float>> DebertaV2Model::score(const PackedBatch& batch) {
  validate_packed_batch(batch, config_.vocab_size);
  if (batch.num_sequences() == 0) return {};
  check_positions(batch);
  c10::InferenceMode inference_guard;
  layers::PackedSpans spans = layers::whole_sequences(batch);
  spans.pooled_row = spans.begin;  // ContextPooler: the first token
  if (batch_invariant_) layers::pad_to_multiple(spans, layers::kInvariantTileRows);
  const at::Tensor pooled_rows = layers::to_device(
      batch_invariant_ ? layers::padded_copy(spans.pooled_row, layers::kInvariantTileRows) : spans.pooled_row, device_);

  const int64_t longest = *std::max_element(spans.length.begin(), spans.length.end());
  RelativeIndexCache indices(config_, longest, device_);
  std::vector<PaddedGroup> groups;
  if (!batch_invariant_)
    groups = deberta::padded_groups(spans.begin, spans.length, config_.num_attention_heads, config_.attention_span(),
                                    device_.is_cpu() ? kCpuGroupElements : kCudaGroupElements, device_);
  const at::Tensor rel = relative_embeddings();
  const at::Tensor embedded = embed(spans);
  at::Tensor x = embedded;
  for (size_t i = 0; i < layers_.size(); ++i) {
    const bool last = i + 1 == layers_.size();
    x = last ? pooled_layer(layers_[i], x, spans, groups, rel, indices, pooled_rows)
             : full_layer(layers_[i], x, spans, groups, rel, indices);
    if (i == 0 && conv_) {
      at::Tensor conv = conv_output(embedded, spans);
      if (last) conv = conv.index_select(0, pooled_rows);
      x = conv_->norm(x + conv);
    }
  }
  at::Tensor pooled = layers::activate(pooler_dense_(x), config_.pooler_hidden_act);
  return layers::rows_as_scores(classifier_(pooled), batch.num_sequences());
}

std::unique_ptr<RewardModel> build_deberta_v2_reward_model(const ModelSource& source) {
  const DebertaV2Config config = parse_deberta_v2_config(source.config);
  auto model = std::make_unique<DebertaV2Model>(config, layers::resolve_compute_target(source.options),
                                                source.options.batch_invariant);
  model->load(source.checkpoint, source.options);
  return model;
}

}  // namespace

Architecture deberta_v2_architecture() {
  Architecture family;
  family.model_type = "deberta-v2";
  family.reward_class = "DebertaV2ForSequenceClassification";
  family.build_reward_model = build_deberta_v2_reward_model;  // an encoder: no causal-LM form
  return family;
}

}  // namespace rb::model

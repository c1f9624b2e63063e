// GPTNeoXForSequenceClassification, GPTNeoXForCausalLM and OpenAssistant's GPTNeoXRewardModel, op for
// op as transformers' modeling_gpt_neox.py: embed_in, pre-LayerNorm blocks whose fused
// query_key_value output is laid out per head as [q | k | v] (view [rows, heads, 3 * head_dim],
// then split), rotary on the first rotary_ndims = int(head_dim * rotary_pct) dims of q and k
// (the rest passes through), eager-equivalent attention (head_dim^-0.5, float32 softmax), gelu MLP,
// parallel residual x + attn(ln1(x)) + mlp(ln2(x)) or sequential, final_layer_norm, and the heads:
// score (no bias), embed_out (LM), or OpenAssistant's out_proj (with bias) on the last token
// (attention_mask.cumsum(1).argmax(1)) or the mean of the tokens, per config.pooling.
// Rotary base and fraction are read as GPTNeoXConfig reads them: the rope dict (rope_scaling or
// rope_parameters) first, then rotary_emb_base / rotary_pct.
#include <ATen/ATen.h>

#include <cmath>
#include <memory>
#include <tuple>

#include "common/error.h"
#include "model/architecture.h"
#include "model/rope.h"
#include "model/trunk_model.h"

namespace rb::model {
namespace {

struct NeoxConfig {
  CommonConfig common;
  int64_t vocab_size = 50432;
  int64_t hidden = 6144;
  int64_t layers = 44;
  int64_t heads = 64;
  int64_t intermediate = 24576;
  Activation activation = Activation::Gelu;
  double eps = 1e-5;
  bool parallel_residual = true;
  bool attention_bias = true;
  bool tie_word_embeddings = false;
  RopeConfig rope;  // theta and partial_rotary_factor (default type, or linear scaling)
  int64_t rotary_ndims = 0;
};

void parse_rope_scaling(const ConfigReader& dict, NeoxConfig& config) {
  const std::string type = dict.text({"rope_type", "type"}, "default");
  if (type == "linear") {
    config.rope.type = RopeType::Linear;
    config.rope.factor = dict.number({"factor"}, 0.0);
    if (config.rope.factor < 1.0) throw dict.error("factor", "must be >= 1 for linear rope scaling");
  } else if (type != "default") {
    throw dict.error("rope_type", "'" + type + "' is not supported for GPT-NeoX (supported: default, linear)");
  }
}

void parse_rotary(const ConfigReader& fields, NeoxConfig& config) {
  // GPTNeoXConfig: the rope dict (rope_scaling, else rope_parameters) wins; its missing rope_theta /
  // partial_rotary_factor come from rotary_emb_base / rotary_pct (top-level rope_theta /
  // partial_rotary_factor only when those are absent), else 10000 / 0.25.
  config.rope.theta = fields.number({"rotary_emb_base", "rope_theta"}, 10000.0);
  config.rope.partial_rotary_factor = fields.number({"rotary_pct", "partial_rotary_factor"}, 0.25);
  std::optional<ConfigReader> dict = fields.object("rope_scaling");
  if (!dict) dict = fields.object("rope_parameters");
  if (dict) {
    config.rope.theta = dict->number({"rope_theta"}, config.rope.theta);
    config.rope.partial_rotary_factor = dict->number({"partial_rotary_factor"}, config.rope.partial_rotary_factor);
    parse_rope_scaling(*dict, config);
  }
  if (!(config.rope.theta > 0)) throw fields.error("rotary_emb_base", "must be positive");
  const double fraction = config.rope.partial_rotary_factor;
  if (!(fraction >= 0 && fraction <= 1)) throw fields.error("rotary_pct", "must be within [0, 1]");
  const int64_t head_dim = config.hidden / config.heads;
  config.rotary_ndims = static_cast<int64_t>(static_cast<double>(head_dim) * fraction);
  if (config.rotary_ndims % 2 != 0)
    throw fields.error("rotary_pct", "gives an odd number of rotary dims (" + std::to_string(config.rotary_ndims) + ")");
}

// GPTNeoXConfig's defaults.
NeoxConfig parse_neox_config(const ConfigReader& fields) {
  NeoxConfig config;
  config.common = fields.common();
  config.vocab_size = fields.positive_integer({"vocab_size"}, 50432);
  config.hidden = fields.positive_integer({"hidden_size"}, 6144);
  config.layers = fields.positive_integer({"num_hidden_layers"}, 44);
  config.heads = fields.positive_integer({"num_attention_heads"}, 64);
  config.intermediate = fields.positive_integer({"intermediate_size"}, 24576);
  config.activation = fields.activation({"hidden_act"}, "gelu");
  config.eps = fields.number({"layer_norm_eps"}, 1e-5);
  config.parallel_residual = fields.flag("use_parallel_residual", true);
  config.attention_bias = fields.flag("attention_bias", true);
  config.tie_word_embeddings = config.common.tie_word_embeddings.value_or(false);
  if (config.hidden % config.heads != 0)
    throw fields.error("num_attention_heads", std::to_string(config.heads) + " does not divide hidden_size " +
                                                  std::to_string(config.hidden));
  if (!(config.eps > 0)) throw fields.error("layer_norm_eps", "must be positive");
  parse_rotary(fields, config);
  return config;
}

struct NeoxBlock {
  layers::LayerNorm input_norm, post_attention_norm;
  layers::Linear query_key_value, dense, h_to_4h, four_h_to_h;
};

class NeoxTrunk final : public Trunk {
 public:
  NeoxTrunk(const NeoxConfig& config, const layers::ComputeTarget& target)
      : Trunk({config.common, config.hidden, config.vocab_size, config.tie_word_embeddings}),
        config_(config),
        target_(target),
        head_dim_(config.hidden / config.heads) {
    attention_.scale = std::pow(static_cast<double>(head_dim_), -0.5);
    attention_.reference_layout = target.reference_layout;
    attention_.eager = target.eager_attention;
  }

  void load(WeightLoader& loader, const std::string& prefix, bool fixed_tiles) {
    embed_in_ = loader.load(prefix + "embed_in.weight", {config_.vocab_size, config_.hidden});
    for (int64_t i = 0; i < config_.layers; ++i) blocks_.push_back(load_block(loader, prefix, i, fixed_tiles));
    final_norm_ = layers::load_layer_norm(loader, prefix + "final_layer_norm", config_.hidden, config_.eps);
    if (config_.rotary_ndims > 0) {
      // rope_inv_freq takes the head size and applies partial_rotary_factor itself, as transformers does.
      inv_freq_ = layers::to_device(rope_inv_freq(config_.rope, head_dim_), target_.device);
    }
  }

  at::Tensor hidden_states(const layers::PackedSpans& spans) const override {
    at::Tensor x = embed_in_.index_select(0, layers::to_device(spans.token_ids, target_.device));
    at::Tensor cos, sin;
    if (inv_freq_.defined())
      std::tie(cos, sin) = layers::rotary_tables(layers::to_device(spans.positions, target_.device), inv_freq_,
                                                 target_.dtype);
    for (const NeoxBlock& block : blocks_) x = forward_block(block, x, cos, sin, spans);
    return final_norm_(x);
  }

  const at::Tensor& input_embedding() const override { return embed_in_; }
  int64_t embedding_parameters() const override { return embed_in_.numel(); }

 private:
  NeoxBlock load_block(WeightLoader& loader, const std::string& prefix, int64_t index, bool fixed_tiles) const {
    const std::string name = prefix + "layers." + std::to_string(index) + ".";
    const int64_t hidden = config_.hidden;
    const bool bias = config_.attention_bias;
    NeoxBlock block;
    block.input_norm = layers::load_layer_norm(loader, name + "input_layernorm", hidden, config_.eps);
    block.post_attention_norm = layers::load_layer_norm(loader, name + "post_attention_layernorm", hidden, config_.eps);
    block.query_key_value =
        layers::load_linear(loader, name + "attention.query_key_value", 3 * hidden, hidden, bias, fixed_tiles);
    block.dense = layers::load_linear(loader, name + "attention.dense", hidden, hidden, bias, fixed_tiles);
    block.h_to_4h = layers::load_linear(loader, name + "mlp.dense_h_to_4h", config_.intermediate, hidden, true, fixed_tiles);
    block.four_h_to_h = layers::load_linear(loader, name + "mlp.dense_4h_to_h", hidden, config_.intermediate, true, fixed_tiles);
    return block;
  }

  // Rotary on the first rotary_ndims dims of each head; x: [rows, heads, head_dim].
  at::Tensor rotate(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) const {
    if (!cos.defined()) return x;
    const int64_t rotary = config_.rotary_ndims;
    if (rotary == head_dim_) return layers::apply_rotary(x, cos, sin);
    return at::cat({layers::apply_rotary(x.slice(-1, 0, rotary), cos, sin), x.slice(-1, rotary)}, -1);
  }

  at::Tensor attend(const NeoxBlock& block, const at::Tensor& h, const at::Tensor& cos, const at::Tensor& sin,
                    const layers::PackedSpans& spans) const {
    const int64_t rows = h.size(0);
    at::Tensor qkv = block.query_key_value(h).view({rows, config_.heads, 3 * head_dim_});
    at::Tensor q = rotate(qkv.slice(-1, 0, head_dim_), cos, sin);
    at::Tensor k = rotate(qkv.slice(-1, head_dim_, 2 * head_dim_), cos, sin);
    at::Tensor v = qkv.slice(-1, 2 * head_dim_);
    return block.dense(layers::attend_packed(q, k, v, spans, attention_, rows));
  }

  at::Tensor forward_block(const NeoxBlock& block, const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin,
                           const layers::PackedSpans& spans) const {
    at::Tensor attn = attend(block, block.input_norm(x), cos, sin, spans);
    if (config_.parallel_residual) {
      at::Tensor mlp = mlp_of(block, block.post_attention_norm(x));
      return mlp + attn + x;  // transformers' order: (mlp + attn) + x
    }
    at::Tensor hidden = attn + x;
    return mlp_of(block, block.post_attention_norm(hidden)) + hidden;
  }

  at::Tensor mlp_of(const NeoxBlock& block, const at::Tensor& h) const {
    return block.four_h_to_h(layers::activate(block.h_to_4h(h), config_.activation));
  }

  NeoxConfig config_;
  layers::ComputeTarget target_;
  int64_t head_dim_;
  layers::AttentionParams attention_;
  at::Tensor embed_in_;
  at::Tensor inv_freq_;  // float32 [rotary_ndims / 2]; undefined when no dims rotate
  std::vector<NeoxBlock> blocks_;
  layers::LayerNorm final_norm_;
};

TrunkLoader neox_trunk_loader() { return trunk_loader<NeoxTrunk>(parse_neox_config, "gpt_neox.", "embed_in.weight"); }

// OpenAssistant's GPTNeoXRewardModel: one output, out_proj with bias, pooled by config.pooling over
// the attention mask (its last token or the mean of its tokens), not by pad id.
std::unique_ptr<RewardModel> build_openassistant_reward_model(const ModelSource& source) {
  const std::string pooling = source.config.text({"pooling"}, "last");
  if (pooling != "last" && pooling != "mean")
    throw source.config.error("pooling", "'" + pooling + "' is not supported (supported: last, mean)");
  ScoreHead head;
  head.weight = "out_proj";
  head.bias = true;
  head.num_labels = 1;
  head.pooling = pooling == "mean" ? Pooling::MeanOfTokens : Pooling::LastToken;
  return trunk_reward_model(source, neox_trunk_loader(), "GPTNeoXRewardModel", "gpt_neox", head);
}

}  // namespace

Architecture gpt_neox_architecture() {
  return trunk_architecture("gpt_neox", "GPTNeoXForSequenceClassification", "GPTNeoXForCausalLM", neox_trunk_loader(),
                            "embed_out");
}

Architecture gpt_neox_reward_architecture() {
  Architecture family;
  family.model_type = "gpt_neox_reward_model";
  family.reward_class = "GPTNeoXRewardModel";
  family.build_reward_model = build_openassistant_reward_model;
  return family;
}

}  // namespace rb::model

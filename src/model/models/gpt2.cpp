// GPT2ForSequenceClassification and GPT2LMHeadModel, op for op as transformers' modeling_gpt2.py:
// token + learned position embeddings (wpe at position_start + t), pre-LayerNorm blocks with a fused
// c_attn (Conv1D, weights stored [in, out]) split into q | k | v, attention scaled by
// 1/sqrt(head_dim) (scale_attn_weights) and 1/(layer + 1) (scale_attn_by_inverse_layer_idx),
// gelu_new MLP, ln_f, a bias-free score head, and an LM head tied to wte unless the config unties it.
// reorder_and_upcast_attn computes attention in float32 (transformers keeps the probabilities'
// product with V in the compute dtype, so bf16 results may differ by bf16 rounding there).
// Weights are read with or without the `transformer.` prefix (GPT2Model checkpoints have none).
// Note: these three flags follow the eager formulas. transformers (>= 4.48) runs GPT-2 through SDPA
// by default, which passes no scale (always 1/sqrt(head_dim)) and skips the upcast path, so for a
// checkpoint with scale_attn_weights=false or scale_attn_by_inverse_layer_idx=true the reference
// pipeline's scores follow SDPA, not the config (the parity fixture keeps the defaults, where both agree).
#include <ATen/ATen.h>

#include <cmath>
#include <memory>

#include "common/error.h"
#include "model/architecture.h"
#include "model/trunk_model.h"

namespace rb::model {
namespace {

struct Gpt2Config {
  CommonConfig common;
  int64_t vocab_size = 50257;
  int64_t positions = 1024;
  int64_t hidden = 768;
  int64_t layers = 12;
  int64_t heads = 12;
  int64_t inner = 0;  // n_inner, default 4 * hidden
  Activation activation = Activation::GeluNew;
  double eps = 1e-5;
  bool scale_attn_weights = true;
  bool scale_by_inverse_layer_idx = false;
  bool reorder_and_upcast = false;
  bool tie_word_embeddings = true;
};

// GPT2Config's defaults; attribute_map aliases (hidden_size, ...) are accepted as transformers does.
Gpt2Config parse_gpt2_config(const ConfigReader& fields) {
  Gpt2Config config;
  config.common = fields.common();
  config.vocab_size = fields.positive_integer({"vocab_size"}, 50257);
  config.positions = fields.positive_integer({"n_positions", "max_position_embeddings"}, 1024);
  config.hidden = fields.positive_integer({"n_embd", "hidden_size"}, 768);
  config.layers = fields.positive_integer({"n_layer", "num_hidden_layers"}, 12);
  config.heads = fields.positive_integer({"n_head", "num_attention_heads"}, 12);
  config.inner = fields.positive_integer({"n_inner"}, 4 * config.hidden);
  config.activation = fields.activation({"activation_function"}, "gelu_new");
  config.eps = fields.number({"layer_norm_epsilon"}, 1e-5);
  config.scale_attn_weights = fields.flag("scale_attn_weights", true);
  config.scale_by_inverse_layer_idx = fields.flag("scale_attn_by_inverse_layer_idx", false);
  config.reorder_and_upcast = fields.flag("reorder_and_upcast_attn", false);
  config.tie_word_embeddings = config.common.tie_word_embeddings.value_or(true);
  if (config.hidden % config.heads != 0)
    throw fields.error("n_head", std::to_string(config.heads) + " does not divide n_embd " + std::to_string(config.hidden));
  if (!(config.eps > 0)) throw fields.error("layer_norm_epsilon", "must be positive");
  return config;
}

// transformers' Conv1D stores its weight as [in, out]; returned as a Linear ([out, in]) with bias.
layers::Linear load_conv1d(WeightLoader& loader, const std::string& name, int64_t in, int64_t out, bool fixed_tiles) {
  layers::Linear linear;
  linear.fixed_tiles = fixed_tiles;
  linear.weight = loader.load(name + ".weight", {in, out}).t().contiguous();
  linear.bias = loader.load(name + ".bias", {out});
  return linear;
}

struct Gpt2Block {
  layers::LayerNorm ln_1, ln_2;
  layers::Linear c_attn, attn_proj, c_fc, mlp_proj;
  layers::AttentionParams attention;
};

class Gpt2Trunk final : public Trunk {
 public:
  Gpt2Trunk(const Gpt2Config& config, const layers::ComputeTarget& target)
      : Trunk({config.common, config.hidden, config.vocab_size, config.tie_word_embeddings}),
        config_(config),
        target_(target) {}

  void load(WeightLoader& loader, const std::string& prefix, bool fixed_tiles) {
    wte_ = loader.load(prefix + "wte.weight", {config_.vocab_size, config_.hidden});
    wpe_ = loader.load(prefix + "wpe.weight", {config_.positions, config_.hidden});
    for (int64_t i = 0; i < config_.layers; ++i) blocks_.push_back(load_block(loader, prefix, i, fixed_tiles));
    ln_f_ = layers::load_layer_norm(loader, prefix + "ln_f", config_.hidden, config_.eps);
  }

  at::Tensor hidden_states(const layers::PackedSpans& spans) const override {
    for (size_t i = 0; i < spans.positions.size(); ++i) {
      if (spans.positions[i] >= config_.positions)
        throw InputError("packed batch: position " + std::to_string(spans.positions[i]) +
                         " is beyond GPT-2's n_positions " + std::to_string(config_.positions));
    }
    at::Tensor x = wte_.index_select(0, layers::to_device(spans.token_ids, target_.device)) +
                   wpe_.index_select(0, layers::to_device(spans.positions, target_.device));
    for (const Gpt2Block& block : blocks_) x = forward_block(block, x, spans);
    return ln_f_(x);
  }

  const at::Tensor& input_embedding() const override { return wte_; }
  int64_t embedding_parameters() const override { return wte_.numel() + wpe_.numel(); }

 private:
  Gpt2Block load_block(WeightLoader& loader, const std::string& prefix, int64_t index, bool fixed_tiles) const {
    const std::string name = prefix + "h." + std::to_string(index) + ".";
    const int64_t hidden = config_.hidden;
    Gpt2Block block;
    block.ln_1 = layers::load_layer_norm(loader, name + "ln_1", hidden, config_.eps);
    block.ln_2 = layers::load_layer_norm(loader, name + "ln_2", hidden, config_.eps);
    block.c_attn = load_conv1d(loader, name + "attn.c_attn", hidden, 3 * hidden, fixed_tiles);
    block.attn_proj = load_conv1d(loader, name + "attn.c_proj", hidden, hidden, fixed_tiles);
    block.c_fc = load_conv1d(loader, name + "mlp.c_fc", hidden, config_.inner, fixed_tiles);
    block.mlp_proj = load_conv1d(loader, name + "mlp.c_proj", config_.inner, hidden, fixed_tiles);
    double scale = 1.0;
    if (config_.scale_attn_weights) scale /= std::sqrt(static_cast<double>(hidden / config_.heads));
    if (config_.scale_by_inverse_layer_idx) scale /= static_cast<double>(index + 1);
    block.attention.scale = scale;
    block.attention.reference_layout = target_.reference_layout;
    block.attention.eager = target_.eager_attention;
    return block;
  }

  at::Tensor attend(const Gpt2Block& block, const at::Tensor& h, const layers::PackedSpans& spans) const {
    const int64_t rows = h.size(0);
    const int64_t hidden = config_.hidden;
    const int64_t head_dim = hidden / config_.heads;
    at::Tensor qkv = block.c_attn(h);  // [rows, 3 * hidden] = q | k | v
    auto heads_of = [&](int64_t part) {
      at::Tensor slice = qkv.slice(1, part * hidden, (part + 1) * hidden).reshape({rows, config_.heads, head_dim});
      return config_.reorder_and_upcast ? slice.to(at::kFloat) : slice;
    };
    at::Tensor attended = layers::attend_packed(heads_of(0), heads_of(1), heads_of(2), spans, block.attention, rows);
    return attended.to(h.scalar_type());
  }

  at::Tensor forward_block(const Gpt2Block& block, const at::Tensor& x, const layers::PackedSpans& spans) const {
    at::Tensor hidden = block.attn_proj(attend(block, block.ln_1(x), spans)) + x;
    return block.mlp_proj(layers::activate(block.c_fc(block.ln_2(hidden)), config_.activation)) + hidden;
  }

  Gpt2Config config_;
  layers::ComputeTarget target_;
  at::Tensor wte_, wpe_;
  std::vector<Gpt2Block> blocks_;
  layers::LayerNorm ln_f_;
};

}  // namespace

Architecture gpt2_architecture() {
  // GPT2Model checkpoints have no `transformer.` prefix.
  return trunk_architecture("gpt2", "GPT2ForSequenceClassification", "GPT2LMHeadModel",
                            trunk_loader<Gpt2Trunk>(parse_gpt2_config, "transformer.", "wte.weight"), "lm_head");
}

}  // namespace rb::model

#pragma once
// How one family differs from the shared decoder (Llama-style pre-norm transformer with RMSNorm,
// RoPE, GQA attention and a gated MLP): a DecoderVariant, written by the family's file in
// src/model/models/ and resolved against its config.json into the DecoderLayout the network runs.
// Torch-free.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/activation.h"
#include "model/model_config.h"

namespace rb::model {

// Where a projection's bias comes from.
enum class BiasRule { Never, Always, FromAttentionBias, FromMlpBias };

enum class SlidingWindowRule {
  Never,
  AllLayers,  // Mistral: config.sliding_window (if not null) on every layer
  QwenStyle,  // Qwen2/3: only if use_sliding_window; layer_types, else layers >= max_window_layers
  // Gemma-2/3: layer_types, else every layer but each sliding_window_pattern-th (Gemma-2: 2, i.e.
  // even layers slide; Gemma-3: 6); config.sliding_window (class default 4096 when absent).
  Alternating,
};

struct DecoderVariant {
  BiasRule qkv_bias = BiasRule::Never;
  BiasRule o_bias = BiasRule::Never;
  BiasRule mlp_bias = BiasRule::Never;
  bool qk_norm = false;  // RMSNorm over head_dim on q and k before RoPE (Qwen3)
  SlidingWindowRule sliding_window = SlidingWindowRule::Never;
  std::optional<int64_t> default_head_dim;  // config class default when config.json has none
  int64_t default_max_window_layers = 0;    // QwenStyle only
  int64_t default_sliding_window_pattern = 2;         // Alternating only
  std::optional<int64_t> default_sliding_window;      // Alternating: when config.json has no key
  bool default_tie_word_embeddings = false;           // config class default (Gemma: true)
  Activation default_activation = Activation::Silu;
  // Gemma family: RMSNorm scales by (1 + weight) in float32, sandwich norms around attention
  // and MLP (post_attention_layernorm is the attention output's norm; pre/post_feedforward_
  // layernorm around the MLP), embeddings times sqrt(hidden_size) in the compute dtype, and
  // attention scaled by query_pre_attn_scalar^-0.5.
  bool gemma_block = false;
  std::optional<double> default_query_pre_attn_scalar;
  std::optional<double> default_attn_logit_softcapping;
  // transformers 5's Gemma-3 attention never passes attn_logit_softcapping to the attention
  // function, so the config value has no effect there; Gemma-2's does.
  bool applies_attn_logit_softcapping = true;
  std::optional<double> default_final_logit_softcapping;
  // Gemma-3: sliding layers use their own rope (rope_local_base_freq, default rope type).
  bool local_rope_for_sliding_layers = false;
  std::optional<double> default_rope_theta;  // config class default when config.json sets none (Gemma-3: 1e6)
  double default_rope_local_base_freq = 10000.0;
};

// What one loaded model does, resolved from variant + config (no further lookups at run time).
struct DecoderLayout {
  int64_t head_dim = 0;
  bool qkv_bias = false;
  bool o_bias = false;
  bool mlp_bias = false;
  bool qk_norm = false;
  std::vector<std::optional<int64_t>> window_per_layer;  // nullopt = full causal attention
  Activation activation = Activation::Silu;
  bool gemma_block = false;
  double attention_scale = 1.0;  // head_dim^-0.5, or query_pre_attn_scalar^-0.5 (Gemma)
  std::optional<double> attn_logit_softcapping;
  std::optional<double> final_logit_softcapping;  // causal-LM head only
  bool tie_word_embeddings = false;
  RopeConfig rope;  // config.rope, with the class's default theta when config.json has none
  // Rope of sliding layers when it differs from `rope` (Gemma-3); empty = same everywhere.
  std::optional<RopeConfig> sliding_rope;
};

// What Gemma-2 and Gemma-3 share (Gemma2Config / Gemma3TextConfig defaults): q/k/v/o bias from
// attention_bias, every `sliding_window_pattern`-th layer full attention and the others sliding
// (window 4096 by default), head_dim 256, tied embeddings, gelu_pytorch_tanh, the Gemma block,
// attention scaled by query_pre_attn_scalar (default 256)^-0.5.
DecoderVariant gemma_block_variant(int64_t sliding_window_pattern);

DecoderLayout resolve_layout(const DecoderVariant& variant, const ModelConfig& config);

}  // namespace rb::model

#pragma once
// How one family differs from the shared decoder (Llama-style pre-norm transformer with RMSNorm,
// RoPE, GQA attention and a gated MLP): a DecoderVariant, written by the family's file in
// src/model/models/ and resolved against its config.json into the DecoderLayout the network runs.
// Torch-free.
#include <cstdint>
#include <functional>
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

// How the layers normalise (every norm of the model, q/k norms included).
enum class NormKind {
  Rms,                // Llama: weight * normed.to(dtype), the normalisation in float32
  RmsOnePlus,         // Gemma: (normed * (1 + weight.float())).to(dtype)
  RmsWeightFirst,     // OLMo-2: (weight * normed).to(dtype), the product in float32
  LayerNorm,          // nn.LayerNorm with weight and bias, in the compute dtype (StableLM, Starcoder2)
  LayerNormNoParams,  // OLMo: F.layer_norm of x.float() without weight or bias, cast back
};

// Where the norms sit around attention and MLP.
enum class NormPlacement {
  Pre,       // Llama: h = x + attn(norm1(x)); h + mlp(norm2(h))
  Sandwich,  // Gemma-2/3: h = x + norm2(attn(norm1(x))); h + norm4(mlp(norm3(h)))
  Post,      // OLMo-2: h = x + norm1(attn(x)); h + norm2(mlp(h))
  Parallel,  // StableLM use_parallel_residual: (x + attn(norm1(x))) + mlp(norm1(x))
};

enum class MlpKind {
  Gated,      // down_proj(act(gate_proj(x)) * up_proj(x))
  Plain,      // c_proj(act(c_fc(x))) (Starcoder2)
  SparseMoe,  // a router picking top-k gated experts per token (+ a gated shared expert): DecoderLayout::moe
};

// A sparse mixture-of-experts MLP as Mixtral and Qwen2-MoE compute it: router logits in the compute
// dtype, softmax in float32, top-k (renormalised to sum 1 when `normalize_top_k`), the weights cast
// back, each expert's gated MLP on its tokens times its weight, summed in expert order; Qwen2-MoE
// adds sigmoid(shared_expert_gate(x)) * shared_expert(x).
struct MoeLayout {
  int64_t experts = 0;
  int64_t top_k = 2;
  bool normalize_top_k = true;
  // Mixtral (transformers 5): the routing weights stay float32, each expert's output is scaled
  // in float32 and cast back before the add; Qwen2-MoE casts the weights to the compute dtype.
  bool float32_weights = false;
  int64_t expert_intermediate = 0;
  int64_t shared_intermediate = 0;  // 0: no shared expert
  std::vector<bool> sparse_layer;   // per layer: the MoE block (true) or a dense gated MLP
};

// Norms on the projected queries and keys, before RoPE.
enum class QkNorm {
  None,
  PerHeadRms,        // Qwen3, Gemma-3: q_norm/k_norm over head_dim, shared by the heads
  FullWidthRms,      // OLMo-2: q_norm/k_norm over the whole projection (heads * head_dim)
  PerHeadLayerNorm,  // StableLM qk_layernorm: a bias-free LayerNorm of its own per head
};

// Which config.json key holds the norm epsilon.
enum class NormEpsKey { RmsNormEps, LayerNormEps, NormEpsilon, Fixed };

struct DecoderLayout;

// How a fused qkv projection orders its rows.
enum class FusedQkvLayout {
  PerKvHead,   // InternLM2's wqkv: per kv head [its query heads | key | value]
  Contiguous,  // hf_olmo's att_proj: [all queries | all keys | all values]
};

// Checkpoint names inside `<model_prefix><layers>.N.` (and of the embedding, final norm and LM
// head) where a family departs from transformers' Llama names. `fused_qkv`: one projection holding
// q, k and v (rows as `fused_qkv_layout` says), split into q/k/v at load time; `fused_up_gate`: one
// projection holding [up | gate] rows (hf_olmo's ff_proj, whose SwiGLU reads x, gate = chunk(2)).
struct DecoderNames {
  std::string model_prefix = "model.";  // of the backbone's weights in the checkpoint
  std::string layers = "layers";
  std::string embed = "embed_tokens";
  std::string final_norm = "norm";
  std::string lm_head = "lm_head";  // the causal LM's output, a full name (not under model_prefix)
  std::string input_norm = "input_layernorm";
  std::string post_attention_norm = "post_attention_layernorm";
  std::string q = "self_attn.q_proj", k = "self_attn.k_proj", v = "self_attn.v_proj", o = "self_attn.o_proj";
  std::string fused_qkv;  // empty: separate q/k/v
  FusedQkvLayout fused_qkv_layout = FusedQkvLayout::PerKvHead;
  std::string gate = "mlp.gate_proj", up = "mlp.up_proj", down = "mlp.down_proj";
  std::string fused_up_gate;  // empty: separate gate and up
};

struct DecoderVariant {
  BiasRule qkv_bias = BiasRule::Never;
  BiasRule o_bias = BiasRule::Never;
  BiasRule mlp_bias = BiasRule::Never;
  QkNorm qk_norm = QkNorm::None;
  NormKind norm = NormKind::Rms;
  NormPlacement placement = NormPlacement::Pre;
  MlpKind mlp = MlpKind::Gated;
  DecoderNames names;
  NormEpsKey norm_eps_key = NormEpsKey::RmsNormEps;
  double default_norm_eps = 1e-6;  // class default (Fixed: always)
  bool scale_embeddings = false;   // Gemma: embeddings times sqrt(hidden_size) in the compute dtype
  bool partial_rotary = false;     // config partial_rotary_factor < 1 allowed (StableLM)
  bool clips_qkv = false;          // OLMo: q, k and v clamped to +-config.clip_qkv when set
  // OLMo / OLMo-2: cos/sin stay float32 and RoPE is computed in float32, then cast back.
  bool rope_in_float32 = false;
  // Last step of resolve_layout for a family whose config switches features on and off
  // (StableLM's use_qkv_bias, qk_layernorm, use_parallel_residual; Starcoder2's use_bias).
  std::function<void(const ModelConfig&, DecoderLayout&)> resolve_family;
  SlidingWindowRule sliding_window = SlidingWindowRule::Never;
  std::optional<int64_t> default_head_dim;  // config class default when config.json has none
  int64_t default_max_window_layers = 0;    // QwenStyle only
  int64_t default_sliding_window_pattern = 2;         // Alternating only
  std::optional<int64_t> default_sliding_window;      // Alternating: when config.json has no key
  bool default_tie_word_embeddings = false;           // config class default (Gemma: true)
  Activation default_activation = Activation::Silu;
  // Gemma-2/3: attention scaled by query_pre_attn_scalar^-0.5 instead of head_dim^-0.5.
  bool uses_query_pre_attn_scalar = false;
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
  QkNorm qk_norm = QkNorm::None;
  NormKind norm = NormKind::Rms;
  NormPlacement placement = NormPlacement::Pre;
  MlpKind mlp = MlpKind::Gated;
  double norm_eps = 1e-6;
  bool scale_embeddings = false;
  int64_t rotary_dim = 0;          // leading dims of each head that RoPE rotates (head_dim unless partial)
  std::optional<double> clip_qkv;  // OLMo
  bool rope_in_float32 = false;    // OLMo, OLMo-2
  MoeLayout moe;                   // MlpKind::SparseMoe
  DecoderNames names;
  // MiniCPM: embeddings times scale_emb, each block's output times scale_depth / sqrt(layers)
  // before its residual add, and the LM head's input divided by hidden_size / dim_model_base
  // (python-float scalars, applied as torch applies them).
  std::optional<double> embedding_multiplier;
  std::optional<double> residual_multiplier;
  std::optional<double> lm_head_input_divisor;
  std::vector<std::optional<int64_t>> window_per_layer;  // nullopt = full causal attention
  Activation activation = Activation::Silu;
  double attention_scale = 1.0;  // head_dim^-0.5, or query_pre_attn_scalar^-0.5 (Gemma-2/3)
  std::optional<double> attn_logit_softcapping;
  std::optional<double> final_logit_softcapping;  // causal-LM head only
  bool tie_word_embeddings = false;
  RopeConfig rope;  // config.rope, with the class's default theta when config.json has none
  // Rope of sliding layers when it differs from `rope` (Gemma-3); empty = same everywhere.
  std::optional<RopeConfig> sliding_rope;
};

// What Gemma-2 and Gemma-3 share (Gemma2Config / Gemma3TextConfig defaults): q/k/v/o bias from
// attention_bias, every `sliding_window_pattern`-th layer full attention and the others sliding
// (window 4096 by default), head_dim 256, tied embeddings, gelu_pytorch_tanh, (1 + weight)
// RMSNorms sandwiching attention and MLP, embeddings times sqrt(hidden_size), attention scaled by
// query_pre_attn_scalar (default 256)^-0.5.
DecoderVariant gemma_block_variant(int64_t sliding_window_pattern);

DecoderLayout resolve_layout(const DecoderVariant& variant, const ModelConfig& config);

}  // namespace rb::model

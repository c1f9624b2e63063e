#pragma once
// The shared decoder's network without a head: embeddings, the layer stack and the final norm,
// configured by a DecoderLayout (Llama, Mistral, Qwen2/3, Gemma-1/2/3, StableLM, Starcoder2, OLMo,
// OLMo-2: norm kind and placement, MLP kind, q/k norms, partial rotary, q/k/v clipping). Heads
// (sequence score, language-model head, custom reward heads in src/model/models/) sit on top.
// Internal to src/model (includes ATen through torch_layers.h).
#include <ATen/ATen.h>

#include <functional>
#include <string>
#include <vector>

#include "model/architecture.h"
#include "model/decoder_variant.h"
#include "model/model_config.h"
#include "model/torch_layers.h"
#include "model/torch_weights.h"

namespace rb::model {

// One norm's parameters (both undefined for OLMo's parameter-free LayerNorm; bias only for
// LayerNorm). StableLM's per-head q/k LayerNorms keep one weight row per head: [heads, head_dim].
struct NormWeights {
  at::Tensor weight;
  at::Tensor bias;
};

// A sparse MoE block's weights (MoeLayout), each expert as three Linears: the checkpoint's
// per-expert matrices, or views of transformers 5's fused [experts, 2 * inner, hidden] gate_up_proj.
struct MoeWeights {
  layers::Linear router;  // [experts, hidden], no bias
  std::vector<layers::Linear> gate, up, down;
  layers::Linear shared_gate, shared_up, shared_down, shared_expert_gate;  // Qwen2-MoE
};

struct DecoderLayer {
  NormWeights input_norm;             // not with NormPlacement::Post
  NormWeights post_attention_norm;    // Pre: before the MLP; Sandwich and Post: on the attention output
  NormWeights pre_feedforward_norm;   // Sandwich only
  NormWeights post_feedforward_norm;  // Sandwich and Post
  NormWeights q_norm;                 // QkNorm kinds
  NormWeights k_norm;
  layers::Linear q, k, v, o, gate, up, down;  // Plain MLP: up = c_fc, down = c_proj, no gate
  bool sparse = false;                        // the MoE block instead of gate/up/down
  MoeWeights moe;
  layers::AttentionParams attention;
  bool uses_sliding_rope = false;  // Gemma-3 sliding layers
};

class DecoderBackbone {
 public:
  DecoderBackbone(const ModelConfig& config, const DecoderLayout& layout, const layers::ComputeTarget& target,
                  bool batch_invariant);
  // config.json's hyper-parameters resolved for `variant`, on the source's device and dtype (no weights yet).
  static DecoderBackbone from_source(const DecoderVariant& variant, const ModelSource& source);

  // Loads `<prefix>embed_tokens.weight`, `<prefix>layers.N.*` and `<prefix>norm.weight` under the
  // family's names (DecoderNames; prefix "model." for transformers' classes).
  void load(WeightLoader& loader);
  // The same from `checkpoint`; returns the loader, which keeps counting while a head loads.
  WeightLoader load_weights(const io::SafetensorsCheckpoint& checkpoint);

  // Every row of `spans` (padding rows included) through every layer; returns the final-normed
  // hidden states [rows, hidden].
  at::Tensor run_all(const layers::PackedSpans& spans) const;
  // The last layer only for `pooled_rows` (queries, o_proj, MLP); returns final-normed
  // [pooled_rows, hidden]. Earlier layers run on every row.
  at::Tensor run_pooled(const layers::PackedSpans& spans, const at::Tensor& pooled_rows) const;

  // `head` on the final-normed hidden state of each sequence's pooled token (batch.pool_index;
  // tokens after it are not run): [rows, head outputs], row i for sequence i, then any
  // batch-invariance padding rows. In the reference layout the head runs over every row and the
  // pooled rows are taken afterwards, as transformers' classifiers and the custom heads' own code
  // do (a GEMM over only the few pooled rows can pick a kernel that rounds differently), with
  // zero rows up to a multiple of 8 as in a padded batch of 8k sequences;
  // otherwise only the pooled rows go through the last layer and the head. Validate the batch first.
  at::Tensor pooled_head(const PackedBatch& batch, const std::function<at::Tensor(const at::Tensor&)>& head) const;

  // Pads spans for batch-invariant shapes when that mode is on (CPU only); returns whether it did.
  bool pad_for_invariance(layers::PackedSpans& spans) const;
  // The rows to pool as a device tensor (padded like the spans when invariant).
  at::Tensor pooled_rows(const layers::PackedSpans& spans, bool padded) const;

  layers::Linear make_linear(at::Tensor weight, at::Tensor bias = {}) const;
  layers::Linear load_linear(WeightLoader& loader, const std::string& name, int64_t out, int64_t in, bool bias) const;

  // describe_model() for a model on this backbone, with the parameters `loader` has counted.
  ModelInfo describe(const std::string& class_name, const std::string& family_model_type, int64_t num_labels,
                     const WeightLoader& loader, const LoadOptions& options) const;

  const at::Tensor& embedding() const { return embed_; }
  const ModelConfig& config() const { return config_; }
  const DecoderLayout& layout() const { return layout_; }
  at::ScalarType dtype() const { return target_.dtype; }
  const at::Device& device() const { return target_.device; }
  bool batch_invariant() const { return batch_invariant_; }
  // CUDA exact attention: the reference's layout, and every row through the last layer.
  bool reference_layout() const { return target_.reference_layout; }

 private:
  struct Rotary {
    at::Tensor cos, sin;              // full-attention layers (and all layers without a sliding rope)
    at::Tensor sliding_cos, sliding_sin;
  };

  DecoderLayer load_layer(WeightLoader& loader, const std::string& prefix, int64_t index) const;
  NormWeights load_norm(WeightLoader& loader, const std::string& name, int64_t width) const;
  void load_qk_norms(WeightLoader& loader, const std::string& at_layer, DecoderLayer& layer) const;
  at::Tensor norm(const at::Tensor& x, const NormWeights& weights) const;
  at::Tensor qk_norm(const at::Tensor& heads, const NormWeights& weights) const;
  at::Tensor rotate(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) const;
  at::Tensor embed(const layers::PackedSpans& spans) const;
  Rotary rotary(const layers::PackedSpans& spans) const;
  at::Tensor project_heads(const layers::Linear& projection, const NormWeights& norm_weights, const at::Tensor& h,
                           int64_t heads, const at::Tensor& cos, const at::Tensor& sin) const;
  at::Tensor project_values(const DecoderLayer& layer, const at::Tensor& h) const;
  at::Tensor mlp(const DecoderLayer& layer, const at::Tensor& x) const;
  void load_moe(WeightLoader& loader, const std::string& at_layer, DecoderLayer& layer) const;
  void load_fused_qkv(WeightLoader& loader, const std::string& name, DecoderLayer& layer) const;
  void load_fused_up_gate(WeightLoader& loader, const std::string& name, DecoderLayer& layer) const;
  std::vector<layers::Linear> load_row_split(WeightLoader& loader, const std::string& name,
                                             const std::vector<int64_t>& rows, bool bias) const;
  at::Tensor moe(const MoeWeights& weights, const at::Tensor& x) const;
  // The attention input: the normed residual stream (the stream itself with Post norms).
  at::Tensor attention_input(const DecoderLayer& layer, const at::Tensor& x) const;
  // Residual adds around attention output and MLP, with the norms where the placement puts them;
  // `h` is the attention input of the same rows (the parallel MLP reads it).
  at::Tensor finish_layer(const DecoderLayer& layer, const at::Tensor& residual, const at::Tensor& h,
                          const at::Tensor& attended) const;
  at::Tensor full_layer(const DecoderLayer& layer, const at::Tensor& x, const Rotary& rotary,
                        const layers::PackedSpans& spans) const;
  at::Tensor pooled_layer(const DecoderLayer& layer, const at::Tensor& x, const Rotary& rotary,
                          const layers::PackedSpans& spans, const at::Tensor& pooled_rows) const;

  ModelConfig config_;
  DecoderLayout layout_;
  layers::ComputeTarget target_;
  bool batch_invariant_;
  at::Tensor embed_;
  NormWeights final_norm_;
  at::Tensor inv_freq_;          // float32 [head_dim / 2]
  at::Tensor sliding_inv_freq_;  // Gemma-3 sliding layers; undefined otherwise
  std::vector<DecoderLayer> layers_;
};


}  // namespace rb::model

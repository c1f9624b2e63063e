#pragma once
// Torch pieces shared by the GPT-2 and GPT-NeoX networks: LayerNorm, the ACT2FN activations,
// Conv1D weights, and the two model faces (a score head on pooled rows, a causal-LM head) put on
// top of a "trunk" (embeddings + blocks + final norm). Internal to src/model (includes ATen).
#include <ATen/ATen.h>

#include <memory>
#include <string>
#include <vector>

#include "model/models/gpt_config_fields.h"
#include "model/reward_model.h"
#include "model/torch_layers.h"
#include "model/torch_weights.h"

namespace rb::model::gpt {

// nn.LayerNorm in the compute dtype (ATen's kernel accumulates in float32 for bf16, as torch does).
struct LayerNorm {
  at::Tensor weight;
  at::Tensor bias;
  double eps = 1e-5;
  at::Tensor operator()(const at::Tensor& x) const;
};
LayerNorm load_layer_norm(WeightLoader& loader, const std::string& name, int64_t hidden, double eps);

// transformers' ACT2FN[name], op for op (gelu_new is NewGELUActivation's explicit tanh formula).
at::Tensor activate(const at::Tensor& x, Activation activation);

// transformers' Conv1D stores its weight as [in, out]; returned as a Linear ([out, in]) with bias.
layers::Linear load_conv1d(WeightLoader& loader, const std::string& name, int64_t in, int64_t out, bool fixed_tiles);

// Embeddings, transformer blocks and the final norm of one architecture.
class Trunk {
 public:
  virtual ~Trunk() = default;
  // Hidden states after the final norm, one row per row of `spans` (dummy padding rows included).
  virtual at::Tensor hidden_states(const layers::PackedSpans& spans) const = 0;
};

// How the score head picks its input rows.
enum class Pooling {
  PoolIndex,     // PackedBatch.pool_index (transformers' rightmost non-pad token)
  LastToken,     // the sequence's last token (OpenAssistant: attention_mask.cumsum(1).argmax(1))
  MeanOfTokens,  // mean over the sequence's tokens (OpenAssistant "mean")
};

struct ModelParts {
  std::unique_ptr<Trunk> trunk;
  layers::Linear head;  // score head [num_labels, hidden] or LM head [vocab, hidden]
  ModelInfo info;
  at::Device device = at::Device(at::kCPU);
  bool batch_invariant = true;
  bool reference_layout = false;  // ComputeTarget::reference_layout: the score head over every row
};

std::unique_ptr<RewardModel> make_reward_model(ModelParts parts, Pooling pooling);
std::unique_ptr<CausalLanguageModel> make_causal_lm(ModelParts parts);

// ModelInfo fields every builder fills the same way.
ModelInfo base_info(const CommonFields& common, const std::string& class_name, const std::string& default_model_type,
                    const LoadOptions& options);

}  // namespace rb::model::gpt

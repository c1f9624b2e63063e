#pragma once
// Families that build their own network (GPT-2, GPT-NeoX, and the ones to come) put a Trunk
// (embeddings, blocks, final norm) under shared heads. The family's file writes a TrunkLoader:
// steps 1 and 2 of the architecture contract (model/architecture.h), reading config.json into its
// config struct and binding its tensors; the heads, their pooling, their weights and the ModelInfo
// (step 3) are the same for every trunk and live here. Internal to src/model (includes ATen).
#include <ATen/ATen.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "model/architecture.h"
#include "model/config_reader.h"
#include "model/torch_layers.h"
#include "model/torch_weights.h"

namespace rb::model {

// What the heads need to know of a trunk's config.
struct TrunkShape {
  CommonConfig common;
  int64_t hidden_size = 0;
  int64_t vocab_size = 0;
  bool tie_word_embeddings = false;  // config.json's, else the config class's default
};

class Trunk {
 public:
  explicit Trunk(TrunkShape shape) : shape_(std::move(shape)) {}
  virtual ~Trunk() = default;
  // Hidden states after the final norm, one row per row of `spans` (dummy padding rows included).
  virtual at::Tensor hidden_states(const layers::PackedSpans& spans) const = 0;
  // The input embedding (what a tied language-model head reads) and the parameters of the
  // embedding tables (for ModelInfo).
  virtual const at::Tensor& input_embedding() const = 0;
  virtual int64_t embedding_parameters() const = 0;
  const TrunkShape& shape() const { return shape_; }

 private:
  TrunkShape shape_;
};

// Reads config.json and binds the trunk's tensors through `weights`, which keeps counting
// parameters while the head loads.
using TrunkLoader = std::function<std::unique_ptr<Trunk>(const ModelSource& source, WeightLoader& weights,
                                                         const layers::ComputeTarget& target)>;

// The usual TrunkLoader: `parse` reads config.json into the family's config struct, `TrunkType`
// (constructed from that struct and the compute target) binds its tensors with
// `load(weights, prefix, fixed_tiles)`, where the prefix is `prefix` when the checkpoint holds
// `prefix + probe_weight` (a *For... class) and empty when it does not (a bare base-model checkpoint).
template <class TrunkType, class Parse>
TrunkLoader trunk_loader(Parse parse, std::string prefix, std::string probe_weight) {
  return [parse, prefix, probe_weight](const ModelSource& source, WeightLoader& weights,
                                       const layers::ComputeTarget& target) -> std::unique_ptr<Trunk> {
    auto trunk = std::make_unique<TrunkType>(parse(source.config), target);
    trunk->load(weights, source.checkpoint.contains(prefix + probe_weight) ? prefix : "", source.options.batch_invariant);
    return trunk;
  };
}

// Which rows the score head reads.
enum class Pooling {
  PoolIndex,     // PackedBatch.pool_index (transformers' rightmost non-pad token)
  LastToken,     // the sequence's last token (OpenAssistant: attention_mask.cumsum(1).argmax(1))
  MeanOfTokens,  // mean over the sequence's tokens (OpenAssistant "mean")
};

struct ScoreHead {
  std::string weight = "score";       // checkpoint name of the Linear
  bool bias = false;
  std::optional<int64_t> num_labels;  // default: config.json's
  Pooling pooling = Pooling::PoolIndex;
};

// `class_name` is what ModelInfo reports; `family_model_type` stands in when config.json has no model_type.
std::unique_ptr<RewardModel> trunk_reward_model(const ModelSource& source, const TrunkLoader& load,
                                                const std::string& class_name, const std::string& family_model_type,
                                                const ScoreHead& head);
// The language-model head `lm_head_weight` [vocab, hidden], or the input embedding when tied.
std::unique_ptr<CausalLanguageModel> trunk_causal_lm(const ModelSource& source, const TrunkLoader& load,
                                                     const std::string& class_name,
                                                     const std::string& family_model_type,
                                                     const std::string& lm_head_weight);

// The usual pair: *ForSequenceClassification (a bias-free `score` on the pooled token) and the
// causal LM.
Architecture trunk_architecture(const std::string& model_type, const std::string& reward_class,
                                const std::string& causal_lm_class, const TrunkLoader& load,
                                const std::string& lm_head_weight);

}  // namespace rb::model

#pragma once
// Building blocks for reward models that put a custom head on the shared decoder backbone
// (src/model/models/value_heads.cpp, armorm.cpp). Internal to src/model (includes ATen).
#include <ATen/ATen.h>

#include <memory>
#include <string>
#include <vector>

#include "io/safetensors.h"
#include "model/decoder_backbone.h"

namespace rb::model {

// Picks the backbone family by config.json's model_type and loads it under that family's names
// (`model.embed_tokens` ... `model.norm` for transformers' classes).
struct LoadedBackbone {
  std::unique_ptr<DecoderBackbone> backbone;
  std::unique_ptr<WeightLoader> loader;  // keeps counting parameters while the head loads
  std::string model_type;                // the backbone family's
};
LoadedBackbone load_backbone(const ModelSource& source);

// The registry entry of a custom head (models/value_heads.cpp, armorm.cpp): its class name and
// builder; the backbone is the registered family config.json's model_type names.
Architecture custom_head_architecture(const std::string& class_name, RewardModelBuilder build);

// Linear layers with ReLU between them (none after the last), in the compute dtype: GRM's
// v_head.summary, UltraRM's regression_head, INF-ORM's score MLP.
struct MlpHead {
  std::vector<layers::Linear> layers;
  at::Tensor operator()(at::Tensor x) const;
};

// A reward model = shared decoder backbone + an MLP head on the pooled token (run as
// DecoderBackbone::pooled_head runs a head: over every row in the reference layout, as GRM's,
// UltraRM's and INF-ORM's own code apply it to the whole hidden-state tensor).
class MlpHeadRewardModel final : public RewardModel {
 public:
  // `masks_doubled_bos`: ModelInfo's, as the head's reference pipeline treats a doubled BOS.
  MlpHeadRewardModel(LoadedBackbone loaded, MlpHead head, const std::string& class_name, const LoadOptions& options,
                     bool masks_doubled_bos = true);
  std::vector<std::vector<float>> score(const PackedBatch& batch) override;
  const ModelInfo& info() const override { return info_; }

 private:
  std::unique_ptr<DecoderBackbone> backbone_;
  MlpHead head_;
  ModelInfo info_;
};

}  // namespace rb::model

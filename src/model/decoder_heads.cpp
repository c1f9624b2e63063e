#include "model/decoder_heads.h"

#include <c10/core/InferenceMode.h>

#include "common/error.h"

namespace rb::model {

LoadedBackbone load_backbone(const ModelSource& source) {
  const Architecture& family = decoder_backbone_for(source.config.text({"model_type"}, ""), source.config.source());
  LoadedBackbone loaded;
  loaded.model_type = family.model_type;
  loaded.backbone = std::make_unique<DecoderBackbone>(DecoderBackbone::from_source(*family.decoder, source));
  loaded.loader = std::make_unique<WeightLoader>(loaded.backbone->load_weights(source.checkpoint));
  return loaded;
}

Architecture custom_head_architecture(const std::string& class_name, RewardModelBuilder build) {
  Architecture head;
  head.model_type = "llama";  // the usual backbone; config.json's model_type picks the real one
  head.reward_class = class_name;
  head.build_reward_model = std::move(build);
  return head;
}

at::Tensor MlpHead::operator()(at::Tensor x) const {
  for (size_t i = 0; i < layers.size(); ++i) {
    x = layers[i](x);
    if (i + 1 < layers.size()) x = at::relu(x);
  }
  return x;
}

MlpHeadRewardModel::MlpHeadRewardModel(LoadedBackbone loaded, MlpHead head, const std::string& class_name,
                                       const LoadOptions& options, bool masks_doubled_bos)
    : backbone_(std::move(loaded.backbone)), head_(std::move(head)) {
  const int64_t labels = head_.layers.back().weight.size(0);
  info_ = backbone_->describe(class_name, loaded.model_type, labels, *loaded.loader, options);
  info_.masks_doubled_bos = masks_doubled_bos;
}

std::vector<std::vector<float>> MlpHeadRewardModel::score(const PackedBatch& batch) {
  validate_packed_batch(batch, backbone_->config().vocab_size);
  if (batch.num_sequences() == 0) return {};
  c10::InferenceMode inference_guard;
  return layers::rows_as_scores(backbone_->pooled_head(batch, head_), batch.num_sequences());
}

}  // namespace rb::model

#include "model/decoder_heads.h"

#include <c10/core/InferenceMode.h>

#include "common/error.h"
#include "model/decoder.h"

namespace rb::model {

LoadedBackbone load_backbone(const std::string& config_json, const std::string& config_source,
                             const io::SafetensorsCheckpoint& checkpoint, const LoadOptions& options,
                             const std::string& prefix) {
  const ModelConfig config = parse_model_config(config_json, config_source);
  LoadedBackbone loaded;
  loaded.backbone_spec = decoder_backbone_for(config);
  const layers::ComputeTarget target = layers::resolve_compute_target(options);
  loaded.backbone = std::make_unique<DecoderBackbone>(config, resolve_layout(loaded.backbone_spec, config), target,
                                                      options.batch_invariant);
  loaded.loader = std::make_unique<WeightLoader>(checkpoint, target.dtype, target.device);
  loaded.backbone->load(*loaded.loader, prefix);
  return loaded;
}

at::Tensor MlpHead::operator()(at::Tensor x) const {
  for (size_t i = 0; i < layers.size(); ++i) {
    x = layers[i](x);
    if (i + 1 < layers.size()) x = at::relu(x);
  }
  return x;
}

MlpHeadRewardModel::MlpHeadRewardModel(LoadedBackbone loaded, MlpHead head, const std::string& class_name,
                                       const LoadOptions& options)
    : backbone_(std::move(loaded.backbone)), head_(std::move(head)) {
  const int64_t labels = head_.layers.back().weight.size(0);
  info_ = decoder_model_info(*backbone_, class_name, loaded.backbone_spec.model_type, labels,
                             loaded.loader->parameters_loaded(), options);
}

std::vector<std::vector<float>> MlpHeadRewardModel::score(const PackedBatch& batch) {
  validate_packed_batch(batch, backbone_->config().vocab_size);
  if (batch.num_sequences() == 0) return {};
  c10::InferenceMode inference_guard;
  return rows_as_scores(backbone_->pooled_head(batch, head_), batch.num_sequences());
}

}  // namespace rb::model

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

at::Tensor pooled_hidden_states(const DecoderBackbone& backbone, const PackedBatch& batch) {
  validate_packed_batch(batch, backbone.config().vocab_size);
  layers::PackedSpans spans = layers::trim_to_pooled(batch);
  // Reference layout: the last layer for every row too, as transformers computes it.
  if (backbone.reference_layout()) return backbone.run_all(spans).index_select(0, backbone.pooled_rows(spans, false));
  const bool padded = backbone.pad_for_invariance(spans);
  return backbone.run_pooled(spans, backbone.pooled_rows(spans, padded));
}

std::vector<std::vector<float>> rows_as_scores(const at::Tensor& scores, size_t count) {
  const at::Tensor host = scores.to(at::kFloat).cpu().contiguous();
  const int64_t labels = host.size(1);
  const float* values = host.data_ptr<float>();
  std::vector<std::vector<float>> rows(count);
  for (size_t i = 0; i < count; ++i) rows[i].assign(values + i * labels, values + (i + 1) * labels);
  return rows;
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
  if (batch.num_sequences() == 0) return {};
  c10::InferenceMode inference_guard;
  return rows_as_scores(head_(pooled_hidden_states(*backbone_, batch)), batch.num_sequences());
}

}  // namespace rb::model

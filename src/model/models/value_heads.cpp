// The value-head family: the shared decoder backbone (`model.*`, any registered decoder
// model_type) with an MLP or single Linear on the pooled token, weight names as the checkpoints
// store them in safetensors:
//   GRewardModel (GRM, Ray2333/GRM-*): v_head.summary = Linear(h, vhead_num_neurons) -> ReLU ->
//     ... -> Linear(n, 1) ("mlp", keys summary.0, summary.2, ...) or a single Linear(h, 1)
//     ("linear", key summary); config vhead_layer_type / vhead_num_neurons / vhead_num_layers.
//   LlamaRewardModel (UltraRM, openbmb/UltraRM-13b): regression_head = Linear(h, 1, bias=False).
//   INFORMForSequenceClassification (infly/INF-ORM): score = Linear(h, h) -> ReLU -> Linear(h, labels).
// Which token is pooled (first pad - 1, mask.sum - 1, ...) is the caller's PackedBatch.pool_index.
// GRM's and UltraRM's reference pipelines (GRMPipeline, OpenBMBPipeline) attend to a doubled
// leading BOS; INF-ORM runs through RewardBenchPipeline, which masks the first.
#include "common/error.h"
#include "model/architecture.h"
#include "model/decoder_heads.h"

namespace rb::model {
namespace {

// Loads Linear layers `<prefix><index>` (or `<prefix>` alone when `indices` is empty) of the given widths.
MlpHead load_mlp(const DecoderBackbone& backbone, WeightLoader& loader, const std::string& prefix,
                 const std::vector<int64_t>& widths, const std::vector<int>& indices, bool bias) {
  MlpHead head;
  for (size_t i = 0; i + 1 < widths.size(); ++i) {
    const std::string name = indices.empty() ? prefix : prefix + "." + std::to_string(indices[i]);
    head.layers.push_back(backbone.load_linear(loader, name, widths[i + 1], widths[i], bias));
  }
  return head;
}

std::unique_ptr<RewardModel> build_grm(const ModelSource& source) {
  const ConfigReader& config = source.config;
  const std::string type = config.text({"vhead_layer_type"}, "mlp");
  const int64_t neurons = config.positive_integer({"vhead_num_neurons"}, 1024);
  const int64_t hidden_layers = config.integer({"vhead_num_layers"}, 1);
  if (type != "mlp" && type != "linear") throw config.error("vhead_layer_type", "'" + type + "' (supported: mlp, linear)");
  if (hidden_layers < 0) throw config.error("vhead_num_layers", "must not be negative");
  LoadedBackbone loaded = load_backbone(source);
  const int64_t hidden = loaded.backbone->config().hidden_size;
  MlpHead head;
  if (type == "linear") {
    head = load_mlp(*loaded.backbone, *loaded.loader, "v_head.summary", {hidden, 1}, {}, true);
  } else {  // Sequential(Linear, ReLU, Linear, ReLU, ..., Linear): Linear layers at even indices
    std::vector<int64_t> widths{hidden};
    std::vector<int> indices;
    for (int64_t i = 0; i < hidden_layers; ++i) widths.push_back(neurons);
    widths.push_back(1);
    for (size_t i = 0; i + 1 < widths.size(); ++i) indices.push_back(static_cast<int>(2 * i));
    head = load_mlp(*loaded.backbone, *loaded.loader, "v_head.summary", widths, indices, true);
  }
  return std::make_unique<MlpHeadRewardModel>(std::move(loaded), std::move(head), "GRewardModel", source.options,
                                              /*masks_doubled_bos=*/false);  // GRMPipeline: tokenizer only
}

std::unique_ptr<RewardModel> build_ultrarm(const ModelSource& source) {
  LoadedBackbone loaded = load_backbone(source);
  const int64_t hidden = loaded.backbone->config().hidden_size;
  MlpHead head = load_mlp(*loaded.backbone, *loaded.loader, "regression_head", {hidden, 1}, {}, false);
  return std::make_unique<MlpHeadRewardModel>(std::move(loaded), std::move(head), "LlamaRewardModel", source.options,
                                              /*masks_doubled_bos=*/false);  // OpenBMBPipeline: tokenizer only
}

std::unique_ptr<RewardModel> build_inf_orm(const ModelSource& source) {
  LoadedBackbone loaded = load_backbone(source);
  const ModelConfig& config = loaded.backbone->config();
  MlpHead head = load_mlp(*loaded.backbone, *loaded.loader, "score",
                          {config.hidden_size, config.hidden_size, config.common.num_labels}, {0, 2}, true);
  return std::make_unique<MlpHeadRewardModel>(std::move(loaded), std::move(head), "INFORMForSequenceClassification",
                                              source.options);
}

}  // namespace

Architecture grm_value_head_architecture() { return custom_head_architecture("GRewardModel", build_grm); }
Architecture ultrarm_architecture() { return custom_head_architecture("LlamaRewardModel", build_ultrarm); }
Architecture inf_orm_architecture() {
  return custom_head_architecture("INFORMForSequenceClassification", build_inf_orm);
}

}  // namespace rb::model

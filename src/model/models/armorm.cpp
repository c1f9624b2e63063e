// ArmoRM (RLHFlow/ArmoRM-Llama3-8B-v0.1, class LlamaForRewardModelWithGating, remote code): the
// shared decoder backbone plus
//   rewards  = regression_layer(h[pooled])                      Linear(h, K, bias=False)
//   gate     = softmax(GatingNetwork(h[g]) / gating_temperature) * gating.logit_scale[0]
//              GatingNetwork = gating_n_hidden x (Linear(.., gating_hidden_dim) -> ReLU), then Linear(.., K)
//   score    = sum_k gate_k * (rewards @ reward_transform_matrix)_k
// where g is the start of the LAST occurrence of the Llama-3 token pattern
// <|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n anywhere in the sequence (ArmoRM
// searches the whole row). Config: num_objectives (19), gating_temperature (10),
// gating_hidden_dim (1024), gating_n_hidden (3). Every op runs in the compute dtype, as there.
#include <c10/core/InferenceMode.h>

#include "common/error.h"
#include "model/architecture.h"
#include "model/decoder_heads.h"

namespace rb::model {
namespace {

// tokenizer.encode("<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n") for Llama-3.
const std::vector<int32_t> kGatingPattern = {128009, 128006, 78191, 128007, 271};

struct ArmoRmConfig {
  int64_t objectives = 19;
  double temperature = 10.0;
  int64_t gating_hidden = 1024;
  int64_t gating_layers = 3;
};

ArmoRmConfig parse_armorm_config(const ConfigReader& json) {
  ArmoRmConfig config;
  config.objectives = json.positive_integer({"num_objectives"}, config.objectives);
  config.temperature = json.number({"gating_temperature"}, config.temperature);
  config.gating_hidden = json.positive_integer({"gating_hidden_dim"}, config.gating_hidden);
  config.gating_layers = json.integer({"gating_n_hidden"}, config.gating_layers);
  if (config.gating_layers < 0) throw json.error("gating_n_hidden", "must not be negative");
  if (!(config.temperature > 0)) throw json.error("gating_temperature", "must be positive");
  return config;
}

// Row (within the sequence) where the last gating pattern starts; throws if it never occurs.
int64_t gating_position(const PackedBatch& batch, size_t sequence) {
  const int64_t begin = batch.offsets[sequence];
  const int64_t length = batch.offsets[sequence + 1] - begin;
  const int64_t width = static_cast<int64_t>(kGatingPattern.size());
  for (int64_t j = length - width; j >= 0; --j) {
    bool match = true;
    for (int64_t k = 0; k < width && match; ++k)
      match = batch.token_ids[static_cast<size_t>(begin + j + k)] == kGatingPattern[static_cast<size_t>(k)];
    if (match) return j;
  }
  throw InputError("ArmoRM: sequence " + std::to_string(sequence) +
                   " has no <|eot_id|><|start_header_id|>assistant<|end_header_id|>\\n\\n token pattern to gate on");
}

class ArmoRmRewardModel final : public RewardModel {
 public:
  explicit ArmoRmRewardModel(const ModelSource& source) : config_(parse_armorm_config(source.config)) {
    LoadedBackbone loaded = load_backbone(source);
    backbone_ = std::move(loaded.backbone);
    WeightLoader& loader = *loaded.loader;
    const int64_t hidden = backbone_->config().hidden_size;
    const int64_t k = config_.objectives;
    regression_ = backbone_->load_linear(loader, "regression_layer", k, hidden, false);
    // rewards @ T is a Linear with weight T^T (keeps the batch-invariant row tiles).
    transform_ = backbone_->make_linear(loader.load("reward_transform_matrix", {k, k}).t().contiguous());
    logit_scale_ = loader.load("gating.logit_scale", {1});
    int64_t width = hidden;
    for (int64_t i = 0; i <= config_.gating_layers; ++i) {
      const int64_t out = i < config_.gating_layers ? config_.gating_hidden : k;
      gating_.layers.push_back(
          backbone_->load_linear(loader, "gating.layers." + std::to_string(i), out, width, true));
      width = out;
    }
    info_ = backbone_->describe("LlamaForRewardModelWithGating", loaded.model_type, 1, loader, source.options);
  }

  std::vector<std::vector<float>> score(const PackedBatch& batch) override {
    validate_packed_batch(batch, backbone_->config().vocab_size);
    const size_t n = batch.num_sequences();
    if (n == 0) return {};
    c10::InferenceMode inference_guard;
    std::vector<int64_t> pooled, gated;
    for (size_t i = 0; i < n; ++i) {
      pooled.push_back(batch.offsets[i] + batch.pool_index[i]);
      gated.push_back(batch.offsets[i] + gating_position(batch, i));
    }
    // All rows through every layer: the gating row is not the pooled one.
    layers::PackedSpans spans = layers::whole_sequences(batch);
    const bool padded = backbone_->pad_for_invariance(spans);
    const at::Tensor hidden = backbone_->run_all(spans);
    auto rows = [&](const std::vector<int64_t>& indices) {
      const std::vector<int64_t> all = padded ? layers::padded_copy(indices, layers::kInvariantTileRows) : indices;
      return hidden.index_select(0, layers::to_device(all, backbone_->device()));
    };
    at::Tensor rewards = transform_(regression_(rows(pooled)));
    at::Tensor gate = at::softmax(gating_(rows(gated)) / config_.temperature, 1) * logit_scale_[0];
    return layers::rows_as_scores((gate * rewards).sum(1, /*keepdim=*/true), n);
  }

  const ModelInfo& info() const override { return info_; }

 private:
  ArmoRmConfig config_;
  std::unique_ptr<DecoderBackbone> backbone_;
  layers::Linear regression_;
  layers::Linear transform_;
  at::Tensor logit_scale_;
  MlpHead gating_;
  ModelInfo info_;
};

}  // namespace

Architecture armorm_architecture() {
  return custom_head_architecture("LlamaForRewardModelWithGating", [](const ModelSource& source) {
    return std::unique_ptr<RewardModel>(std::make_unique<ArmoRmRewardModel>(source));
  });
}

}  // namespace rb::model

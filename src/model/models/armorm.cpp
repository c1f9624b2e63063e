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
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "model/architecture.h"
#include "model/decoder.h"
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

ArmoRmConfig parse_armorm_config(const std::string& text, const std::string& source) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& error) {
    throw ModelError(source + ": not valid JSON: " + error.what());
  }
  ArmoRmConfig config;
  auto read = [&](const char* key, auto& field) {
    if (!json.contains(key) || json[key].is_null()) return;
    if (!json[key].is_number()) throw ModelError(source + ": field '" + key + "': expected a number");
    field = json[key].get<std::decay_t<decltype(field)>>();
  };
  read("num_objectives", config.objectives);
  read("gating_temperature", config.temperature);
  read("gating_hidden_dim", config.gating_hidden);
  read("gating_n_hidden", config.gating_layers);
  if (config.objectives <= 0 || config.gating_hidden <= 0 || config.gating_layers < 0 || !(config.temperature > 0))
    throw ModelError(source + ": ArmoRM gating fields out of range");
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
  ArmoRmRewardModel(const std::string& config_json, const std::string& source,
                    const io::SafetensorsCheckpoint& checkpoint, const LoadOptions& options)
      : config_(parse_armorm_config(config_json, source)) {
    LoadedBackbone loaded = load_backbone(config_json, source, checkpoint, options);
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
    info_ = decoder_model_info(*backbone_, "LlamaForRewardModelWithGating", loaded.backbone_spec.model_type, 1,
                               loader.parameters_loaded(), options);
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
    return rows_as_scores((gate * rewards).sum(1, /*keepdim=*/true), n);
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

std::unique_ptr<RewardModel> build_armorm(const std::string& config_json, const std::string& source,
                                          const io::SafetensorsCheckpoint& checkpoint, const LoadOptions& options) {
  return std::make_unique<ArmoRmRewardModel>(config_json, source, checkpoint, options);
}

}  // namespace

ArchitectureSpec armorm_architecture() {
  ArchitectureSpec spec;
  spec.class_name = "LlamaForRewardModelWithGating";
  spec.model_type = "llama";
  spec.build_reward_model = build_armorm;
  return spec;
}

}  // namespace rb::model

#include "model/models/gpt_blocks.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <utility>

#include "common/error.h"
#include "model/decoder.h"

namespace rb::model::gpt {
namespace {

// Rows of hidden states turned into vocabulary logits at once: bounds the [rows, vocab] float
// tensor (a multiple of the invariant tile, so CPU tiles never change with the batch).
constexpr int64_t kLogitRows = 2 * layers::kInvariantTileRows;

std::vector<std::vector<float>> to_rows(const at::Tensor& values, size_t count) {
  at::Tensor host = values.to(at::kFloat).cpu().contiguous();
  const int64_t width = host.size(1);
  const float* data = host.data_ptr<float>();
  std::vector<std::vector<float>> rows(count);
  for (size_t i = 0; i < count; ++i) rows[i].assign(data + i * width, data + (i + 1) * width);
  return rows;
}

class PooledScoreModel final : public RewardModel {
 public:
  PooledScoreModel(ModelParts parts, Pooling pooling) : parts_(std::move(parts)), pooling_(pooling) {}

  std::vector<std::vector<float>> score(const PackedBatch& batch) override {
    validate_packed_batch(batch, parts_.info.vocab_size);
    if (batch.num_sequences() == 0) return {};
    c10::InferenceMode inference_guard;
    // Causal attention: tokens after the pooled one cannot change it, so they are not computed.
    layers::PackedSpans spans =
        pooling_ == Pooling::PoolIndex ? layers::trim_to_pooled(batch) : layers::whole_sequences(batch);
    const bool fixed_shapes = parts_.batch_invariant && parts_.device.is_cpu();
    if (fixed_shapes) layers::pad_to_multiple(spans, layers::kInvariantTileRows);
    const at::Tensor hidden = parts_.trunk->hidden_states(spans);
    if (parts_.reference_layout && pooling_ == Pooling::PoolIndex)  // as *ForSequenceClassification: head, then pool
      return to_rows(pooled_rows(parts_.head(hidden), spans), batch.num_sequences());
    at::Tensor pooled = pooling_ == Pooling::MeanOfTokens ? mean_rows(hidden, spans) : pooled_rows(hidden, spans);
    if (fixed_shapes) pooled = layers::with_padding_rows(pooled, round_up(pooled.size(0)));
    return to_rows(parts_.head(pooled), batch.num_sequences());
  }

  const ModelInfo& info() const override { return parts_.info; }

 private:
  static int64_t round_up(int64_t rows) {
    return (rows + layers::kInvariantTileRows - 1) / layers::kInvariantTileRows * layers::kInvariantTileRows;
  }

  at::Tensor pooled_rows(const at::Tensor& hidden, const layers::PackedSpans& spans) const {
    return hidden.index_select(0, layers::to_device(spans.pooled_row, parts_.device));
  }

  // OpenAssistant's (hidden * mask).sum(1) / mask.sum(1), in the compute dtype.
  static at::Tensor mean_rows(const at::Tensor& hidden, const layers::PackedSpans& spans) {
    std::vector<at::Tensor> means;
    for (size_t i = 0; i < spans.begin.size(); ++i)
      means.push_back(hidden.slice(0, spans.begin[i], spans.begin[i] + spans.length[i]).sum(0) /
                      static_cast<double>(spans.length[i]));
    return at::stack(means, 0);
  }

  ModelParts parts_;
  Pooling pooling_;
};

class GptCausalLm final : public CausalLanguageModel {
 public:
  explicit GptCausalLm(ModelParts parts) : parts_(std::move(parts)) {}

  std::vector<std::vector<float>> next_token_log_probs(const PackedBatch& batch) override {
    validate_packed_batch(batch, parts_.info.vocab_size);
    std::vector<std::vector<float>> result(batch.num_sequences());
    if (batch.num_sequences() == 0) return result;
    c10::InferenceMode inference_guard;
    layers::PackedSpans spans = layers::whole_sequences(batch);
    if (parts_.batch_invariant && parts_.device.is_cpu()) layers::pad_to_multiple(spans, layers::kInvariantTileRows);
    const at::Tensor hidden = parts_.trunk->hidden_states(spans);

    // Row t of a sequence predicts its token t + 1.
    std::vector<int64_t> source_rows, targets;
    std::vector<std::pair<size_t, size_t>> owner;  // (sequence, entry) of each source row
    for (size_t i = 0; i < batch.num_sequences(); ++i) {
      const int64_t begin = spans.begin[i];
      result[i].resize(static_cast<size_t>(spans.length[i] - 1));
      for (int64_t t = 0; t + 1 < spans.length[i]; ++t) {
        source_rows.push_back(begin + t);
        targets.push_back(batch.token_ids[static_cast<size_t>(batch.offsets[i] + t + 1)]);
        owner.emplace_back(i, static_cast<size_t>(t));
      }
    }
    for (size_t first = 0; first < source_rows.size(); first += kLogitRows) {
      const size_t last = std::min(source_rows.size(), first + static_cast<size_t>(kLogitRows));
      const std::vector<int64_t> rows(source_rows.begin() + first, source_rows.begin() + last);
      const std::vector<int64_t> next(targets.begin() + first, targets.begin() + last);
      // transformers: logits in the compute dtype, widened to float32, log_softmax, gather.
      at::Tensor logits = parts_.head(hidden.index_select(0, layers::to_device(rows, parts_.device))).to(at::kFloat);
      at::Tensor picked = at::log_softmax(logits, -1)
                              .gather(1, layers::to_device(next, parts_.device).unsqueeze(1))
                              .squeeze(1)
                              .cpu()
                              .contiguous();
      const float* values = picked.data_ptr<float>();
      for (size_t r = first; r < last; ++r) result[owner[r].first][owner[r].second] = values[r - first];
    }
    return result;
  }

  const ModelInfo& info() const override { return parts_.info; }

 private:
  ModelParts parts_;
};

}  // namespace

at::Tensor LayerNorm::operator()(const at::Tensor& x) const {
  return at::layer_norm(x, {weight.size(0)}, weight, bias, eps);
}

LayerNorm load_layer_norm(WeightLoader& loader, const std::string& name, int64_t hidden, double eps) {
  LayerNorm norm;
  norm.weight = loader.load(name + ".weight", {hidden});
  norm.bias = loader.load(name + ".bias", {hidden});
  norm.eps = eps;
  return norm;
}

at::Tensor activate(const at::Tensor& x, Activation activation) {
  constexpr double kSqrtTwoOverPi = 0.7978845608028654;  // math.sqrt(2.0 / math.pi)
  switch (activation) {
    case Activation::Gelu: return at::gelu(x);
    case Activation::GeluPytorchTanh: return at::gelu(x, "tanh");
    case Activation::GeluNew:  // 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))
      return (x * 0.5) * (at::tanh((x + at::pow(x, 3.0) * 0.044715) * kSqrtTwoOverPi) + 1.0);
    case Activation::GeluFast:  // 0.5 * x * (1 + tanh(x * 0.7978845608 * (1 + 0.044715 * x * x)))
      return (x * 0.5) * (at::tanh((x * 0.7978845608) * ((x * 0.044715) * x + 1.0)) + 1.0);
    case Activation::Relu: return at::relu(x);
    case Activation::Silu: return at::silu(x);
  }
  throw ModelError("internal: unknown activation");
}

layers::Linear load_conv1d(WeightLoader& loader, const std::string& name, int64_t in, int64_t out, bool fixed_tiles) {
  layers::Linear linear;
  linear.fixed_tiles = fixed_tiles;
  linear.weight = loader.load(name + ".weight", {in, out}).t().contiguous();
  linear.bias = loader.load(name + ".bias", {out});
  return linear;
}

std::unique_ptr<RewardModel> make_reward_model(ModelParts parts, Pooling pooling) {
  return std::make_unique<PooledScoreModel>(std::move(parts), pooling);
}

std::unique_ptr<CausalLanguageModel> make_causal_lm(ModelParts parts) {
  return std::make_unique<GptCausalLm>(std::move(parts));
}

ModelInfo base_info(const CommonFields& common, const std::string& class_name, const std::string& default_model_type,
                    const LoadOptions& options) {
  ModelInfo info;
  info.architecture = class_name;
  info.model_type = common.model_type.empty() ? default_model_type : common.model_type;
  info.num_labels = common.num_labels;
  info.pad_token_id = common.pad_token_id;
  info.eos_token_ids = common.eos_token_ids;
  info.bos_token_id = common.bos_token_id;
  info.dtype = options.dtype;
  info.device = options.device;
  return info;
}

}  // namespace rb::model::gpt

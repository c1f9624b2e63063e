#include "model/trunk_model.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <utility>

#include "common/error.h"
#include "model/decoder.h"

namespace rb::model {
namespace {

// Rows of hidden states turned into vocabulary logits at once: bounds the [rows, vocab] float
// tensor (a multiple of the invariant tile, so CPU tiles never change with the batch).
constexpr int64_t kLogitRows = 2 * layers::kInvariantTileRows;

// What a trunk-based model keeps from loading.
struct ModelParts {
  std::unique_ptr<Trunk> trunk;
  layers::Linear head;  // score head [num_labels, hidden] or LM head [vocab, hidden]
  ModelInfo info;
  at::Device device = at::Device(at::kCPU);
  bool batch_invariant = true;
  bool reference_layout = false;  // ComputeTarget::reference_layout: the score head over every row
};

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
      return layers::rows_as_scores(pooled_rows(parts_.head(hidden), spans), batch.num_sequences());
    at::Tensor pooled = pooling_ == Pooling::MeanOfTokens ? mean_rows(hidden, spans) : pooled_rows(hidden, spans);
    if (fixed_shapes) pooled = layers::with_padding_rows(pooled, round_up(pooled.size(0)));
    return layers::rows_as_scores(parts_.head(pooled), batch.num_sequences());
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

class TrunkCausalLm final : public CausalLanguageModel {
 public:
  explicit TrunkCausalLm(ModelParts parts) : parts_(std::move(parts)) {}

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

// A trunk just loaded and the target it runs on; the caller loads the head through `weights`.
ModelParts load_trunk(const ModelSource& source, const TrunkLoader& load, const layers::ComputeTarget& target,
                      WeightLoader& weights) {
  ModelParts parts;
  parts.trunk = load(source, weights, target);
  parts.device = target.device;
  parts.batch_invariant = source.options.batch_invariant;
  parts.reference_layout = target.reference_layout;
  return parts;
}

// The ModelInfo, once the head is loaded too.
void describe(ModelParts& parts, const std::string& class_name, const std::string& family_model_type, int64_t labels,
              const WeightLoader& weights, const LoadOptions& options) {
  const TrunkShape& shape = parts.trunk->shape();
  parts.info = describe_model(shape.common, class_name, family_model_type, labels, shape.vocab_size,
                              {weights.parameters_loaded(), parts.trunk->embedding_parameters()}, options);
}

}  // namespace

std::unique_ptr<RewardModel> trunk_reward_model(const ModelSource& source, const TrunkLoader& load,
                                                const std::string& class_name, const std::string& family_model_type,
                                                const ScoreHead& head) {
  const layers::ComputeTarget target = layers::resolve_compute_target(source.options);
  WeightLoader weights(source.checkpoint, target.dtype, target.device);
  ModelParts parts = load_trunk(source, load, target, weights);
  const TrunkShape& shape = parts.trunk->shape();
  const int64_t labels = head.num_labels.value_or(shape.common.num_labels);
  parts.head = layers::load_linear(weights, head.weight, labels, shape.hidden_size, head.bias,
                                   source.options.batch_invariant);
  describe(parts, class_name, family_model_type, labels, weights, source.options);
  return std::make_unique<PooledScoreModel>(std::move(parts), head.pooling);
}

std::unique_ptr<CausalLanguageModel> trunk_causal_lm(const ModelSource& source, const TrunkLoader& load,
                                                     const std::string& class_name,
                                                     const std::string& family_model_type,
                                                     const std::string& lm_head_weight) {
  const layers::ComputeTarget target = layers::resolve_compute_target(source.options);
  WeightLoader weights(source.checkpoint, target.dtype, target.device);
  ModelParts parts = load_trunk(source, load, target, weights);
  const TrunkShape& shape = parts.trunk->shape();
  parts.head.fixed_tiles = source.options.batch_invariant;
  parts.head.weight = shape.tie_word_embeddings
                          ? parts.trunk->input_embedding()
                          : weights.load(lm_head_weight + ".weight", {shape.vocab_size, shape.hidden_size});
  describe(parts, class_name, family_model_type, shape.common.num_labels, weights, source.options);
  return std::make_unique<TrunkCausalLm>(std::move(parts));
}

Architecture trunk_architecture(const std::string& model_type, const std::string& reward_class,
                                const std::string& causal_lm_class, const TrunkLoader& load,
                                const std::string& lm_head_weight) {
  Architecture family;
  family.model_type = model_type;
  family.reward_class = reward_class;
  family.causal_lm_class = causal_lm_class;
  family.build_reward_model = [=](const ModelSource& source) {
    return trunk_reward_model(source, load, reward_class, model_type, ScoreHead{});
  };
  family.build_causal_lm = [=](const ModelSource& source) {
    return trunk_causal_lm(source, load, causal_lm_class, model_type, lm_head_weight);
  };
  return family;
}

}  // namespace rb::model

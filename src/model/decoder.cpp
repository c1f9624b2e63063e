// The shared decoder's two heads on DecoderBackbone (decoder_backbone.cpp): the bias-free score
// head of *ForSequenceClassification (read at each sequence's pooled row, in the compute dtype;
// DecoderBackbone::pooled_head decides which rows it runs over) and the language-model head of *ForCausalLM (per-token next-token
// log-probabilities). A sequence's results depend on its batch neighbours only through kernel
// choice, which batch-invariant mode removes on CPU.
#include "model/decoder.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>

#include "common/error.h"
#include "model/decoder_backbone.h"
#include "model/torch_layers.h"
#include "model/torch_weights.h"

namespace rb::model {
namespace {

using layers::PackedSpans;

// Logit rows computed at once by the language-model head: [rows, vocab] float32 stays near
// 128 MiB on CPU (256 MiB on CUDA) whatever the batch.
int64_t logit_rows_per_chunk(int64_t vocab_size, bool on_cuda) {
  const int64_t budget_elements = on_cuda ? (int64_t{1} << 26) : (int64_t{1} << 25);
  return std::max<int64_t>(1, budget_elements / vocab_size);
}

class DecoderRewardModel final : public RewardModel {
 public:
  DecoderRewardModel(const Architecture& family, const ModelSource& source)
      : backbone_(DecoderBackbone::from_source(*family.decoder, source)) {
    WeightLoader loader = backbone_.load_weights(source.checkpoint);
    const int64_t labels = backbone_.config().common.num_labels;
    score_ = backbone_.load_linear(loader, "score", labels, backbone_.config().hidden_size, false);
    info_ = backbone_.describe(family.reward_class, family.model_type, labels, loader, source.options);
    info_.pooling = family.reward_pooling;
  }

  std::vector<std::vector<float>> score(const PackedBatch& batch) override {
    validate_packed_batch(batch, backbone_.config().vocab_size);
    if (batch.num_sequences() == 0) return {};
    c10::InferenceMode inference_guard;
    return layers::rows_as_scores(backbone_.pooled_head(batch, score_), batch.num_sequences());
  }

  const ModelInfo& info() const override { return info_; }

 private:
  DecoderBackbone backbone_;
  layers::Linear score_;
  ModelInfo info_;
};

class DecoderCausalLm final : public CausalLanguageModel {
 public:
  DecoderCausalLm(const Architecture& family, const ModelSource& source)
      : backbone_(DecoderBackbone::from_source(*family.decoder, source)) {
    WeightLoader loader = backbone_.load_weights(source.checkpoint);
    const ModelConfig& config = backbone_.config();
    // Tied: transformers points lm_head at embed_tokens (a stored lm_head.weight is ignored).
    lm_head_ = backbone_.layout().tie_word_embeddings
                   ? backbone_.make_linear(backbone_.embedding())
                   : backbone_.load_linear(loader, backbone_.layout().names.lm_head, config.vocab_size,
                                           config.hidden_size, false);
    info_ = backbone_.describe(family.causal_lm_class, family.model_type, 1, loader, source.options);
  }

  std::vector<std::vector<float>> next_token_log_probs(const PackedBatch& batch) override {
    const size_t n = batch.offsets.empty() ? 0 : batch.offsets.size() - 1;
    validate_packed_batch(batch, backbone_.config().vocab_size, /*check_pool_index=*/false);
    std::vector<std::vector<float>> result(n);
    if (n == 0 || batch.token_ids.size() == n) return result;  // nothing to predict in 1-token sequences
    c10::InferenceMode inference_guard;
    PackedSpans spans = layers::whole_sequences(batch);
    backbone_.pad_for_invariance(spans);
    const at::Tensor hidden = backbone_.run_all(spans);

    // Row t of a sequence predicts its token t + 1; a sequence's last row predicts nothing.
    std::vector<int64_t> rows, targets;
    for (size_t i = 0; i < n; ++i) {
      for (int64_t t = 0; t + 1 < spans.length[i]; ++t) {
        rows.push_back(spans.begin[i] + t);
        targets.push_back(spans.token_ids[static_cast<size_t>(spans.begin[i] + t + 1)]);
      }
    }
    const std::vector<float> flat = gathered_log_probs(hidden, rows, targets);
    size_t next = 0;
    for (size_t i = 0; i < n; ++i) {
      const size_t count = static_cast<size_t>(spans.length[i] - 1);
      result[i].assign(flat.begin() + static_cast<std::ptrdiff_t>(next),
                       flat.begin() + static_cast<std::ptrdiff_t>(next + count));
      next += count;
    }
    return result;
  }

  const ModelInfo& info() const override { return info_; }

 private:
  // logits (compute dtype, final soft-cap if any) -> float32 -> log_softmax -> value at target,
  // a chunk of rows at a time so that [rows, vocab] is never materialised for the whole batch.
  std::vector<float> gathered_log_probs(const at::Tensor& hidden, const std::vector<int64_t>& rows,
                                        const std::vector<int64_t>& targets) const {
    const int64_t total = static_cast<int64_t>(rows.size());
    const int64_t chunk = logit_rows_per_chunk(backbone_.config().vocab_size, backbone_.device().is_cuda());
    const std::optional<double> cap = backbone_.layout().final_logit_softcapping;
    std::vector<float> values(static_cast<size_t>(total));
    for (int64_t first = 0; first < total; first += chunk) {
      const int64_t last = std::min(total, first + chunk);
      const std::vector<int64_t> chunk_rows(rows.begin() + first, rows.begin() + last);
      const std::vector<int64_t> chunk_targets(targets.begin() + first, targets.begin() + last);
      at::Tensor rows_in = hidden.index_select(0, layers::to_device(chunk_rows, backbone_.device()));
      if (const auto divisor = backbone_.layout().lm_head_input_divisor) rows_in = rows_in / *divisor;  // MiniCPM
      at::Tensor logits = lm_head_(rows_in);
      if (cap) logits = at::tanh(logits / *cap) * *cap;  // transformers: /cap, tanh, *cap in the compute dtype
      at::Tensor log_probs = at::log_softmax(logits.to(at::kFloat), -1);
      at::Tensor picked = log_probs.gather(1, layers::to_device(chunk_targets, backbone_.device()).unsqueeze(1))
                              .squeeze(1).cpu().contiguous();
      std::copy(picked.data_ptr<float>(), picked.data_ptr<float>() + (last - first), values.begin() + first);
    }
    return values;
  }

  DecoderBackbone backbone_;
  layers::Linear lm_head_;
  ModelInfo info_;
};

}  // namespace

Architecture decoder_architecture(const std::string& model_type, const std::string& reward_class,
                                  const std::string& causal_lm_class, const DecoderVariant& variant,
                                  PoolingRule reward_pooling) {
  Architecture family;
  family.reward_pooling = reward_pooling;
  family.model_type = model_type;
  family.reward_class = reward_class;
  family.causal_lm_class = causal_lm_class;
  family.decoder = variant;
  // The builders get their own copy of the family (names and variant), not a reference into the registry.
  family.build_reward_model = [family](const ModelSource& source) -> std::unique_ptr<RewardModel> {
    return std::make_unique<DecoderRewardModel>(family, source);
  };
  family.build_causal_lm = [family](const ModelSource& source) -> std::unique_ptr<CausalLanguageModel> {
    return std::make_unique<DecoderCausalLm>(family, source);
  };
  return family;
}

}  // namespace rb::model

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

void validate_sequences(const PackedBatch& batch, size_t n, int64_t vocab_size) {
  auto fail = [](const std::string& what) { throw InputError("packed batch: " + what); };
  if (batch.offsets.size() != n + 1) fail("offsets must have num_sequences + 1 entries");
  if (batch.position_start.size() != n) fail("position_start must have one entry per sequence");
  if (batch.offsets.front() != 0 || batch.offsets.back() != static_cast<int64_t>(batch.token_ids.size()))
    fail("offsets must start at 0 and end at the number of tokens");
  for (size_t i = 0; i < n; ++i) {
    const int64_t length = batch.offsets[i + 1] - batch.offsets[i];
    const std::string which = "sequence " + std::to_string(i);
    if (length <= 0) fail(which + " is empty or offsets decrease");
    if (batch.position_start[i] < 0) fail(which + ": negative position_start");
  }
  for (size_t t = 0; t < batch.token_ids.size(); ++t) {
    if (batch.token_ids[t] < 0 || batch.token_ids[t] >= vocab_size)
      fail("token " + std::to_string(t) + " has id " + std::to_string(batch.token_ids[t]) +
           " outside the vocabulary [0, " + std::to_string(vocab_size) + ")");
  }
}

class DecoderRewardModel final : public RewardModel {
 public:
  DecoderRewardModel(const ModelConfig& config, const ArchitectureSpec& spec, const layers::ComputeTarget& target,
                     const LoadOptions& options, const io::SafetensorsCheckpoint& checkpoint)
      : backbone_(config, resolve_layout(spec, config), target, options.batch_invariant) {
    WeightLoader loader(checkpoint, target.dtype, target.device);
    backbone_.load(loader);
    score_ = backbone_.load_linear(loader, "score", config.num_labels, config.hidden_size, false);
    info_ = decoder_model_info(backbone_, spec.class_name, spec.model_type, config.num_labels,
                               loader.parameters_loaded(), options);
  }

  std::vector<std::vector<float>> score(const PackedBatch& batch) override {
    validate_packed_batch(batch, backbone_.config().vocab_size);
    if (batch.num_sequences() == 0) return {};
    c10::InferenceMode inference_guard;
    return rows_as_scores(backbone_.pooled_head(batch, score_), batch.num_sequences());
  }

  const ModelInfo& info() const override { return info_; }

 private:
  DecoderBackbone backbone_;
  layers::Linear score_;
  ModelInfo info_;
};

class DecoderCausalLm final : public CausalLanguageModel {
 public:
  DecoderCausalLm(const ModelConfig& config, const ArchitectureSpec& spec, const layers::ComputeTarget& target,
                  const LoadOptions& options, const io::SafetensorsCheckpoint& checkpoint)
      : backbone_(config, resolve_layout(spec, config), target, options.batch_invariant) {
    WeightLoader loader(checkpoint, target.dtype, target.device);
    backbone_.load(loader);
    // Tied: transformers points lm_head at embed_tokens (a stored lm_head.weight is ignored).
    if (backbone_.layout().tie_word_embeddings) {
      lm_head_ = backbone_.make_linear(backbone_.embedding());
    } else {
      lm_head_ = backbone_.load_linear(loader, "lm_head", config.vocab_size, config.hidden_size, false);
    }
    info_ = decoder_model_info(backbone_, spec.causal_lm_class_name, spec.model_type, 1, loader.parameters_loaded(),
                               options);
  }

  std::vector<std::vector<float>> next_token_log_probs(const PackedBatch& batch) override {
    const size_t n = batch.offsets.empty() ? 0 : batch.offsets.size() - 1;
    validate_sequences(batch, n, backbone_.config().vocab_size);
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
      at::Tensor logits = lm_head_(hidden.index_select(0, layers::to_device(chunk_rows, backbone_.device())));
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

void validate_packed_batch(const PackedBatch& batch, int64_t vocab_size) {
  const size_t n = batch.num_sequences();
  validate_sequences(batch, n, vocab_size);
  for (size_t i = 0; i < n; ++i) {
    const int64_t length = batch.offsets[i + 1] - batch.offsets[i];
    if (batch.pool_index[i] < 0 || batch.pool_index[i] >= length)
      throw InputError("packed batch: sequence " + std::to_string(i) + ": pool_index " +
                       std::to_string(batch.pool_index[i]) + " outside [0, " + std::to_string(length) + ")");
  }
}

std::unique_ptr<RewardModel> build_decoder_model(const ModelConfig& config, const ArchitectureSpec& spec,
                                                 const io::SafetensorsCheckpoint& checkpoint,
                                                 const LoadOptions& options) {
  const layers::ComputeTarget target = layers::resolve_compute_target(options);
  return std::make_unique<DecoderRewardModel>(config, spec, target, options, checkpoint);
}

std::unique_ptr<CausalLanguageModel> build_decoder_causal_lm(const ModelConfig& config, const ArchitectureSpec& spec,
                                                             const io::SafetensorsCheckpoint& checkpoint,
                                                             const LoadOptions& options) {
  if (spec.causal_lm_class_name.empty())
    throw ModelError(config.source + ": " + spec.class_name + " has no causal-LM form");
  const layers::ComputeTarget target = layers::resolve_compute_target(options);
  return std::make_unique<DecoderCausalLm>(config, spec, target, options, checkpoint);
}

}  // namespace rb::model

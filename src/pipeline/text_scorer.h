#pragma once
// Texts -> reward scores: each distinct text is tokenized and scored once, sequences are packed
// into batches under a token budget (no padding), and scores come back in input order.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "model/reward_model.h"
#include "pipeline/sequence_builder.h"

namespace rb::pipeline {

struct ScoringOptions {
  size_t max_sequences_per_batch = 64;
  size_t max_tokens_per_batch = 16384;
};

struct ScoringStats {
  size_t distinct_texts = 0;
  size_t tokens = 0;               // tokens through the model
  size_t texts_at_max_length = 0;  // sequences cut (or exactly fitting) at --max_length
};

using ProgressCallback = std::function<void(size_t done, size_t total)>;

// One row of num_labels scores per input text.
std::vector<std::vector<float>> score_texts(model::RewardModel& model, const SequenceBuilder& builder,
                                            const std::vector<std::string>& texts, const ScoringOptions& options,
                                            const ProgressCallback& progress, ScoringStats* stats = nullptr);

}  // namespace rb::pipeline

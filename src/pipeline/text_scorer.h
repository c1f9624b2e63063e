#pragma once
// Texts -> reward scores: each distinct text is tokenized and scored once, sequences are packed
// into batches under a token budget (no padding), and scores come back in input order. With a
// runtime::ScoreStore, sequences it already holds are not scored again, and every scored batch is
// handed to it as soon as it is done (an interrupted run resumes from there).
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/reward_model.h"
#include "pipeline/sequence_builder.h"
#include "runtime/scorer.h"

namespace rb::pipeline {

struct ScoringOptions {
  size_t max_sequences_per_batch = 64;
  size_t max_tokens_per_batch = 16384;
  // Input-text indices the reference pads together in one batch (run_rm: the chosen texts of
  // rows [b, b + batch_size), then their rejected texts). Used only when the tokenizer pads on the
  // left, where each text's first position is the number of pads it got; empty: no padding emulated.
  std::vector<std::vector<size_t>> padding_groups;
};

struct ScoringStats {
  size_t distinct_texts = 0;
  size_t tokens = 0;               // tokens of every distinct sequence (stored or computed)
  size_t texts_at_max_length = 0;  // sequences cut (or exactly fitting) at --max_length
  size_t store_hits = 0;           // distinct sequences the store already had
  size_t store_misses = 0;         // distinct sequences scored by the model
};

// run_rm's padding groups for texts laid out as [chosen 0, rejected 0, chosen 1, rejected 1, ...]:
// per batch of `batch_size` rows, its chosen texts, then its rejected texts.
std::vector<std::vector<size_t>> pairwise_padding_groups(size_t num_pairs, size_t batch_size);

// run_v2's padding groups: consecutive batches of `batch_size` texts (its unrolled completions).
std::vector<std::vector<size_t>> consecutive_padding_groups(size_t num_texts, size_t batch_size);

// One row of num_labels scores per input text. `store` may be null.
std::vector<std::vector<float>> score_texts(model::RewardModel& model, const SequenceBuilder& builder,
                                            const std::vector<std::string>& texts, const ScoringOptions& options,
                                            const runtime::ProgressCallback& progress, ScoringStats* stats = nullptr,
                                            runtime::ScoreStore* store = nullptr);

}  // namespace rb::pipeline

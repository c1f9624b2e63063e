#pragma once
// DPO sequences -> the log-probabilities of their answer tokens under a causal language model.
// The reference right-pads chosen and rejected into one batch and reads log p(label | prefix) at
// every label position (labels shifted left by one, prompt labels -100); our batches are packed
// without padding, so attention never crosses sequences and no pad token is ever seen. Torch-free.
#include <cstddef>
#include <functional>
#include <vector>

#include "model/reward_model.h"
#include "pipeline/dpo_tokenization.h"
#include "runtime/scorer.h"

namespace rb::pipeline {

// From one row of CausalLanguageModel::next_token_log_probs (entry t = log p(ids[t+1] | ids[..t]))
// the entries that score answer tokens: t = prompt_length - 1 .. length - 2. Throws rb::ModelError
// when the row does not have length - 1 entries or the prompt is empty.
std::vector<float> answer_log_probs_from_row(const std::vector<float>& next_token_row, size_t sequence_length,
                                             size_t prompt_length);

// One vector per input sequence (num_answer_tokens() values each), in input order. Identical id
// lists are run through the model once; with a store (an on-disk cache of next-token log-probs),
// those it holds are not run at all and every computed batch is stored before the next one.
std::vector<std::vector<float>> answer_log_probs(model::CausalLanguageModel& model, const std::vector<DpoSequence>& sequences,
                                                 const runtime::BatchLimits& limits,
                                                 const runtime::ProgressCallback& progress = {},
                                                 runtime::ScoreStore* store = nullptr,
                                                 runtime::StoreStats* stats = nullptr);

}  // namespace rb::pipeline

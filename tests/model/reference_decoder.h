#pragma once
// A deliberately naive float64 reference: one sequence at a time, explicit loops for RoPE,
// masks and softmax, written from the architecture papers' formulas rather than from the
// decoder under test. Reads the tiny model's config JSON and weights directly.
#include <cstdint>
#include <vector>

#include "tiny_model_writer.h"

namespace rb::testing {

// Scores (num_labels values) of the token at pool_index, positions position_start + 0..L-1.
std::vector<double> reference_score(const TinyModel& model, const std::vector<int32_t>& tokens,
                                    int64_t position_start, int64_t pool_index);

// Final-normed hidden states of every position (rows of `hidden_size` values).
std::vector<std::vector<double>> reference_hidden_states(const TinyModel& model, const std::vector<int32_t>& tokens,
                                                         int64_t position_start);

// Entry t = log p(tokens[t + 1] | tokens[0..t]) from lm_head.weight (embed_tokens when the
// model has none: tied), with Gemma's final soft-cap when configured.
std::vector<double> reference_next_token_log_probs(const TinyModel& model, const std::vector<int32_t>& tokens,
                                                   int64_t position_start);

// Inverse RoPE frequencies in double for a config JSON (default / linear / llama3).
std::vector<double> reference_inv_freq(const nlohmann::json& config, int64_t head_dim);

}  // namespace rb::testing

#pragma once
// Test support for DebertaV2ForSequenceClassification: a writer of tiny random-weight model folders
// and a float64 reference written from transformers' modeling_deberta_v2.py as the Python runs it:
// a right-padded [batch, length] tensor with an attention mask, relative positions for the padded
// length, masked softmax, the ContextPooler on token 0. Independent of src/model (own config
// defaults, own bucket function in torch ops).
#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rb::testing {

struct DebertaTestModel {
  std::string folder;
  nlohmann::json config;
  std::map<std::string, std::pair<std::vector<int64_t>, std::vector<float>>> weights;
};

// Writes config.json and model.safetensors (stored as `storage_dtype`, "F32" or "BF16", values exactly
// representable) with random weights for every tensor the config calls for.
DebertaTestModel write_deberta_model(const std::string& folder, const nlohmann::json& config, uint32_t seed,
                                     const std::string& storage_dtype = "F32");

// Logits (num_labels per sequence) of the sequences scored together as one right-padded batch.
std::vector<std::vector<double>> deberta_reference_logits(const DebertaTestModel& model,
                                                          const std::vector<std::vector<int32_t>>& sequences);

// build_relative_position(query, key, bucket_size, max_position) as torch evaluates it: [query, key] long.
at::Tensor reference_relative_positions(int64_t query_size, int64_t key_size, int64_t bucket_size,
                                        int64_t max_position);

}  // namespace rb::testing

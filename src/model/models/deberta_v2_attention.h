#pragma once
// DeBERTa-v2/v3 disentangled self-attention (modeling_deberta_v2.py's DisentangledSelfAttention in
// eval mode) and the bookkeeping to run it per sequence or over padded groups of sequences.
// Internal to src/model/models/deberta_v2*.cpp (includes ATen).
#include <ATen/ATen.h>

#include <cstdint>
#include <map>
#include <vector>

#include "model/models/deberta_v2_config.h"

namespace rb::model::deberta {

// Per-head projections of the relative embeddings: [heads, 2 * span, head_size] each, undefined
// when that attention type (c2p / p2c) is off.
struct RelativeProjections {
  at::Tensor pos_key;
  at::Tensor pos_query;
};

// Relative-embedding index of every (query, key) pair of a sequence length, built from one
// distance table per score() call and shared by all layers.
class RelativeIndexCache {
 public:
  RelativeIndexCache(const DebertaV2Config& config, int64_t longest, const at::Device& device);
  // [length, length] long tensor: entry (i, j) for query i, key j.
  const at::Tensor& for_length(int64_t length);

 private:
  int64_t longest_;
  at::Tensor table_;  // entry d + longest - 1 for distance d = query - key
  at::Device device_;
  std::map<int64_t, at::Tensor> cache_;
};

// softmax(q.(k / s) + c2p / s + p2c / s) v in the compute dtype, with transformers' op order.
// q [..., heads, rows, D]; k, v [..., heads, L, D]; index [rows, L] (relative index of each pair);
// scale a 0-dim tensor; key_valid undefined (every key real) or bool broadcastable to
// [..., heads, rows, L]. Returns [..., heads, rows, D].
at::Tensor disentangled_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                  const RelativeProjections& rel, const at::Tensor& index, const at::Tensor& scale,
                                  const at::Tensor& key_valid);

// Consecutive sequences of a packed batch padded to their longest, as the reference pads a batch.
struct PaddedGroup {
  size_t first = 0;  // sequences [first, last)
  size_t last = 0;
  int64_t longest = 0;
  at::Tensor slot_rows;   // [n * longest] flat row of each slot; padding slots repeat the sequence's last row
  at::Tensor key_valid;   // [n, 1, 1, longest] bool: slot holds a real token
  at::Tensor real_slots;  // [tokens] slot of each real token, in packed order
};

// Groups whose [n, heads, longest, max(longest, 2 * span)] score tensors stay within
// `element_budget` elements (a single longer sequence gets a group of its own).
std::vector<PaddedGroup> padded_groups(const std::vector<int64_t>& begin, const std::vector<int64_t>& length,
                                       int64_t heads, int64_t span, int64_t element_budget, const at::Device& device);

// Flat [rows, heads * D] -> [n, heads, longest, D] for the group's slots.
at::Tensor gather_padded(const at::Tensor& flat, const PaddedGroup& group, int64_t heads);

}  // namespace rb::model::deberta

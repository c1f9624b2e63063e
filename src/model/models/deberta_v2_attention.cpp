#include "model/models/deberta_v2_attention.h"

#include <algorithm>
#include <limits>

#include "model/torch_layers.h"

namespace rb::model::deberta {
namespace {

// `index` [rows, L] broadcast to `like`'s leading dimensions with `last` as its final size.
at::Tensor expand_index(const at::Tensor& index, const at::Tensor& like, int64_t last) {
  std::vector<int64_t> shape = like.sizes().vec();
  shape.back() = last;
  return index.expand(shape);
}

}  // namespace

RelativeIndexCache::RelativeIndexCache(const DebertaV2Config& config, int64_t longest, const at::Device& device)
    : longest_(longest), device_(device) {
  std::vector<int64_t> table;
  for (int64_t d = -(longest - 1); d <= longest - 1; ++d) table.push_back(deberta_relative_index(d, config));
  table_ = layers::to_device(table, device);
}

const at::Tensor& RelativeIndexCache::for_length(int64_t length) {
  auto found = cache_.find(length);
  if (found != cache_.end()) return found->second;
  at::Tensor positions = at::arange(length, at::TensorOptions().dtype(at::kLong).device(device_));
  at::Tensor distance = positions.unsqueeze(1) - positions.unsqueeze(0) + (longest_ - 1);
  at::Tensor index = table_.index_select(0, distance.reshape({-1})).view({length, length});
  return cache_.emplace(length, index).first->second;
}

at::Tensor disentangled_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                  const RelativeProjections& rel, const at::Tensor& index, const at::Tensor& scale,
                                  const at::Tensor& key_valid) {
  at::Tensor scores = at::matmul(q, k.transpose(-1, -2) / scale);
  at::Tensor bias;
  if (rel.pos_key.defined()) {  // content -> position: query i against the embedding of (i - j)
    at::Tensor c2p = at::matmul(q, rel.pos_key.transpose(-1, -2));
    bias = at::gather(c2p, -1, expand_index(index, c2p, index.size(1))) / scale;
  }
  if (rel.pos_query.defined()) {  // position -> content: key j against the same embedding, per key then transposed
    at::Tensor p2c = at::matmul(k, rel.pos_query.transpose(-1, -2));
    at::Tensor term = at::gather(p2c, -1, expand_index(index.t(), p2c, index.size(0))).transpose(-1, -2) / scale;
    bias = bias.defined() ? bias + term : term;
  }
  if (bias.defined()) scores = scores + bias;
  // Padding keys get -inf (transformers: the dtype's lowest): exp gives exactly 0 either way, and
  // every query row has at least its own sequence's keys.
  if (key_valid.defined()) scores = scores.masked_fill(at::logical_not(key_valid), -std::numeric_limits<double>::infinity());
  return at::matmul(at::softmax(scores, -1), v);
}

std::vector<PaddedGroup> padded_groups(const std::vector<int64_t>& begin, const std::vector<int64_t>& length,
                                       int64_t heads, int64_t span, int64_t element_budget, const at::Device& device) {
  std::vector<PaddedGroup> groups;
  size_t first = 0;
  while (first < begin.size()) {
    size_t last = first + 1;
    int64_t longest = length[first];
    while (last < begin.size()) {
      const int64_t candidate = std::max(longest, length[last]);
      const int64_t elements = static_cast<int64_t>(last + 1 - first) * heads * candidate * std::max(candidate, 2 * span);
      if (elements > element_budget) break;
      longest = candidate;
      ++last;
    }
    PaddedGroup group;
    group.first = first;
    group.last = last;
    group.longest = longest;
    std::vector<int64_t> slot_rows, real_slots;
    std::vector<uint8_t> valid;
    for (size_t i = first; i < last; ++i) {
      const int64_t slot_base = static_cast<int64_t>(i - first) * longest;
      for (int64_t t = 0; t < longest; ++t) {
        slot_rows.push_back(begin[i] + std::min(t, length[i] - 1));
        valid.push_back(t < length[i] ? 1 : 0);
        if (t < length[i]) real_slots.push_back(slot_base + t);
      }
    }
    group.slot_rows = layers::to_device(slot_rows, device);
    group.real_slots = layers::to_device(real_slots, device);
    at::Tensor mask = at::empty({static_cast<int64_t>(valid.size())}, at::kBool);
    std::copy(valid.begin(), valid.end(), mask.data_ptr<bool>());
    group.key_valid = mask.view({static_cast<int64_t>(last - first), 1, 1, longest}).to(device);
    groups.push_back(group);
    first = last;
  }
  return groups;
}

at::Tensor gather_padded(const at::Tensor& flat, const PaddedGroup& group, int64_t heads) {
  const auto n = static_cast<int64_t>(group.last - group.first);
  return flat.index_select(0, group.slot_rows).view({n, group.longest, heads, -1}).permute({0, 2, 1, 3});
}

}  // namespace rb::model::deberta

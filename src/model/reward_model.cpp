// Torch-free pieces of the model interface: dtype and attention names, batch checks.
#include "model/reward_model.h"

#include <algorithm>
#include <cctype>

#include "common/enum_names.h"
#include "common/error.h"

namespace rb::model {

namespace {

constexpr EnumName<DType> kDTypeNames[] = {{DType::Float32, "float32"}, {DType::Float32, "fp32"},
                                           {DType::BFloat16, "bfloat16"}, {DType::BFloat16, "bf16"},
                                           {DType::Float16, "float16"}, {DType::Float16, "fp16"},
                                           {DType::Float16, "half"}};
constexpr EnumName<AttnImplementation> kAttentionNames[] = {{AttnImplementation::Sdpa, "sdpa"},
                                                            {AttnImplementation::Eager, "eager"},
                                                            {AttnImplementation::FlashAttention2, "flash_attention_2"}};

}  // namespace

DType parse_dtype(const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (const auto dtype = enum_named(kDTypeNames, lower)) return *dtype;
  throw InputError("unknown dtype '" + name + "' (use float32, bfloat16 or float16)");
}

std::string dtype_name(DType dtype) { return name_of(kDTypeNames, dtype); }

AttnImplementation parse_attn_implementation(const std::string& name) {
  if (const auto attention = enum_named(kAttentionNames, name)) return *attention;
  throw InputError("unknown attn_implementation '" + name + "' (use sdpa, eager or flash_attention_2)");
}

std::string pooling_rule_description(PoolingRule rule) {
  switch (rule) {
    case PoolingRule::RightmostNonPad: return "rightmost token whose id != pad_token_id";
    case PoolingRule::BeforeFirstPad: return "token before the first pad_token_id (argmax(ids == pad) - 1)";
  }
  return "";
}

void validate_packed_batch(const PackedBatch& batch, int64_t vocab_size, bool check_pool_index) {
  const size_t n = check_pool_index ? batch.num_sequences() : (batch.offsets.empty() ? 0 : batch.offsets.size() - 1);
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
    if (check_pool_index && (batch.pool_index[i] < 0 || batch.pool_index[i] >= length))
      fail(which + ": pool_index " + std::to_string(batch.pool_index[i]) + " outside [0, " + std::to_string(length) +
           ")");
  }
  for (size_t t = 0; t < batch.token_ids.size(); ++t) {
    if (batch.token_ids[t] < 0 || batch.token_ids[t] >= vocab_size)
      fail("token " + std::to_string(t) + " has id " + std::to_string(batch.token_ids[t]) +
           " outside the vocabulary [0, " + std::to_string(vocab_size) + ")");
  }
}

}  // namespace rb::model

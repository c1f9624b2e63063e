#pragma once
// The cache key of one model input: SHA-256 over the model fingerprint and the exact sequence the
// model sees (token ids, the pooled position, the first position id). Keying on token ids rather
// than text means a changed template, tokenizer or truncation rule can never hit an old score.
#include <cstdint>
#include <string>
#include <vector>

#include "common/sha256.h"

namespace rb::cache {

// A cache key: the SHA-256 of a fingerprint and an exact model input.
using Digest = Sha256Digest;

Digest sequence_key(const std::string& fingerprint, const std::vector<int32_t>& token_ids, int64_t pool_index,
                    int64_t position_start);

}  // namespace rb::cache

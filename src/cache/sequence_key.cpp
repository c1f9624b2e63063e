#include "cache/sequence_key.h"

namespace rb::cache {

Digest sequence_key(const std::string& fingerprint, const std::vector<int32_t>& token_ids, int64_t pool_index,
                    int64_t position_start) {
  Sha256 hash;
  hash.update("rewardbench-sequence-v1");
  hash.update_u64(fingerprint.size());
  hash.update(fingerprint);
  hash.update_u64(static_cast<uint64_t>(pool_index));
  hash.update_u64(static_cast<uint64_t>(position_start));
  hash.update_u64(token_ids.size());
  // Little-endian 4-byte ids, whatever the host order.
  std::vector<uint8_t> bytes(4 * token_ids.size());
  for (size_t i = 0; i < token_ids.size(); ++i) {
    const auto id = static_cast<uint32_t>(token_ids[i]);
    for (int b = 0; b < 4; ++b) bytes[4 * i + b] = static_cast<uint8_t>(id >> (8 * b));
  }
  hash.update(bytes.data(), bytes.size());
  return hash.finish();
}

}  // namespace rb::cache

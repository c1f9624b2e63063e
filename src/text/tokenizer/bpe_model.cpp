#include "text/tokenizer/bpe_model.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <mutex>
#include <queue>

#include "common/error.h"
#include "common/utf8.h"

namespace rb::text {

// Word -> ids memo. Sharded so that encode_batch threads rarely wait on each other; each shard
// stops growing at its capacity (entries are never evicted, which keeps lookups lock-short).
class WordCache {
 public:
  static constexpr size_t kShards = 64;
  static constexpr size_t kEntriesPerShard = 4096;
  static constexpr size_t kMaxWordBytes = 256;  // longer words are not worth keeping

  bool lookup(const std::string& word, std::vector<int32_t>& ids) const {
    Shard& shard = shard_for(word);
    std::lock_guard<std::mutex> lock(shard.mutex);
    auto it = shard.entries.find(word);
    if (it == shard.entries.end()) return false;
    ids.insert(ids.end(), it->second.begin(), it->second.end());
    return true;
  }

  void store(const std::string& word, const int32_t* begin, const int32_t* end) const {
    if (word.size() >= kMaxWordBytes) return;
    Shard& shard = shard_for(word);
    std::lock_guard<std::mutex> lock(shard.mutex);
    if (shard.entries.size() >= kEntriesPerShard) return;
    shard.entries.emplace(word, std::vector<int32_t>(begin, end));
  }

 private:
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, std::vector<int32_t>> entries;
  };
  Shard& shard_for(const std::string& word) const {
    return shards_[std::hash<std::string>{}(word) % kShards];
  }
  mutable Shard shards_[kShards];
};

namespace {

std::optional<std::string> optional_string(const nlohmann::json& config, const char* key,
                                           const JsonContext& ctx) {
  if (!has_non_null(config, key)) return std::nullopt;
  return require_string(config.at(key), ctx.child(key));
}

struct Symbol {
  int32_t id;
  int32_t prev;
  int32_t next;
  bool removed;
};

// A candidate merge as one integer, rank in the high half and left position in the low half, so
// that the min-heap pops the lowest rank first and the leftmost position on ties with a single
// integer comparison (the heap is where merging long texts spends its time).
using QueuedMerge = uint64_t;
QueuedMerge queued_merge(uint32_t rank, size_t pos) {
  return (static_cast<uint64_t>(rank) << 32) | static_cast<uint32_t>(pos);
}
uint32_t queued_rank(QueuedMerge entry) { return static_cast<uint32_t>(entry >> 32); }
size_t queued_pos(QueuedMerge entry) { return static_cast<uint32_t>(entry); }

}  // namespace

std::string byte_fallback_token(unsigned char byte) {
  char buffer[8];
  std::snprintf(buffer, sizeof(buffer), "<0x%02X>", byte);
  return buffer;
}

BpeModel::BpeModel(const nlohmann::json& config, const JsonContext& ctx)
    : cache_(std::make_unique<WordCache>()) {
  require_object(config, ctx);
  const std::string type = string_or(config, "type", "BPE", ctx);
  if (type != "BPE") ctx.child("type").fail("unsupported model type '" + type + "' (only BPE)");
  load_vocab(require_field(config, "vocab", ctx), ctx.child("vocab"));
  unk_token_ = optional_string(config, "unk_token", ctx);
  continuing_subword_prefix_ = optional_string(config, "continuing_subword_prefix", ctx);
  end_of_word_suffix_ = optional_string(config, "end_of_word_suffix", ctx);
  fuse_unk_ = bool_or(config, "fuse_unk", false, ctx);
  byte_fallback_ = bool_or(config, "byte_fallback", false, ctx);
  ignore_merges_ = bool_or(config, "ignore_merges", false, ctx);
  load_merges(require_field(config, "merges", ctx), ctx.child("merges"));
  build_char_lookups();
}

BpeModel::~BpeModel() = default;
BpeModel::BpeModel(BpeModel&&) noexcept = default;
BpeModel& BpeModel::operator=(BpeModel&&) noexcept = default;

void BpeModel::load_vocab(const nlohmann::json& vocab, const JsonContext& ctx) {
  require_object(vocab, ctx);
  vocab_.reserve(vocab.size());
  vocab_r_.reserve(vocab.size());
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    const int64_t id = require_integer(it.value(), ctx.child(it.key()));
    if (id < 0 || id > INT32_MAX) ctx.child(it.key()).fail("id out of range");
    vocab_[it.key()] = static_cast<int32_t>(id);
    vocab_r_[static_cast<int32_t>(id)] = it.key();
  }
}

void BpeModel::load_merges(const nlohmann::json& merges, const JsonContext& ctx) {
  require_array(merges, ctx);
  std::unordered_map<uint64_t, MergeTarget> by_pair;
  by_pair.reserve(merges.size());
  std::vector<std::pair<std::string, std::string>> operands;  // for the cut-point proof
  operands.reserve(merges.size());
  const size_t prefix_length = continuing_subword_prefix_ ? continuing_subword_prefix_->size() : 0;
  uint32_t rank = 0;
  for (size_t i = 0; i < merges.size(); ++i) {
    const JsonContext entry_ctx = ctx.index(i);
    std::string left;
    std::string right;
    if (merges[i].is_string()) {
      const std::string line = merges[i].get<std::string>();
      if (line.rfind("#version", 0) == 0) continue;  // Rust skips the header line of merges.txt
      const size_t space = line.find(' ');
      if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos) {
        entry_ctx.fail("merge '" + line + "' is not two tokens separated by one space");
      }
      left = line.substr(0, space);
      right = line.substr(space + 1);
    } else if (merges[i].is_array() && merges[i].size() == 2) {
      left = require_string(merges[i][0], entry_ctx.index(0));
      right = require_string(merges[i][1], entry_ctx.index(1));
    } else {
      entry_ctx.fail("expected \"a b\" or [\"a\", \"b\"]");
    }
    auto left_id = vocab_.find(left);
    auto right_id = vocab_.find(right);
    if (left_id == vocab_.end()) entry_ctx.fail("merge token '" + left + "' is not in the vocab");
    if (right_id == vocab_.end()) entry_ctx.fail("merge token '" + right + "' is not in the vocab");
    if (right.size() < prefix_length) entry_ctx.fail("merge token shorter than the subword prefix");
    const std::string merged = left + right.substr(prefix_length);
    auto merged_id = vocab_.find(merged);
    if (merged_id == vocab_.end()) entry_ctx.fail("merged token '" + merged + "' is not in the vocab");
    // Later duplicates overwrite earlier ones, as collecting into Rust's HashMap does.
    by_pair[pair_key(left_id->second, right_id->second)] = MergeTarget{rank, merged_id->second};
    operands.emplace_back(std::move(left), std::move(right));
    ++rank;
  }
  build_merge_table(by_pair);
  build_cut_points(operands);
}

void BpeModel::build_cut_points(const std::vector<std::pair<std::string, std::string>>& merge_operands) {
  // The proof reads a symbol's string as the concatenation of its atoms' strings: false with a
  // subword prefix or word suffix, and ambiguous when two tokens share an id.
  if (continuing_subword_prefix_ || end_of_word_suffix_ || vocab_r_.size() != vocab_.size()) return;
  std::vector<std::string> single_characters;
  for (const auto& [token, id] : vocab_) {
    if (!token.empty() && token.size() == utf8::sequence_length(static_cast<unsigned char>(token[0]))) {
      single_characters.push_back(token);
    }
  }
  cut_points_ = BpeCutPoints(merge_operands, single_characters);
}

namespace {
uint64_t mix_bits(uint64_t key) {  // splitmix64's finalizer
  key ^= key >> 30;
  key *= 0xbf58476d1ce4e5b9ULL;
  key ^= key >> 27;
  key *= 0x94d049bb133111ebULL;
  return key ^ (key >> 31);
}
}  // namespace

void BpeModel::build_merge_table(const std::unordered_map<uint64_t, MergeTarget>& merges) {
  size_t capacity = 16;
  while (capacity < 2 * merges.size()) capacity <<= 1;
  merge_table_.assign(capacity, MergeSlot{kEmptySlot, MergeTarget{0, 0}});
  merge_mask_ = capacity - 1;
  for (const auto& [key, target] : merges) {
    uint64_t slot = mix_bits(key) & merge_mask_;
    while (merge_table_[slot].key != kEmptySlot) slot = (slot + 1) & merge_mask_;
    merge_table_[slot] = MergeSlot{key, target};
  }
}

const BpeModel::MergeTarget* BpeModel::find_merge(int32_t left, int32_t right) const {
  const uint64_t key = pair_key(left, right);
  for (uint64_t slot = mix_bits(key) & merge_mask_;; slot = (slot + 1) & merge_mask_) {
    const MergeSlot& entry = merge_table_[slot];
    if (entry.key == key) return &entry.target;
    if (entry.key == kEmptySlot) return nullptr;
  }
}

void BpeModel::tokenize(const std::string& word, std::vector<int32_t>& ids) const {
  if (word.empty()) return;
  if (ignore_merges_) {
    auto it = vocab_.find(word);
    if (it != vocab_.end()) {
      ids.push_back(it->second);
      return;
    }
  }
  if (word.size() >= kMinBytesToCut && !cut_points_.empty()) {
    merge_in_pieces(word, ids);
    return;
  }
  merge_with_cache(word, ids);
}

void BpeModel::merge_in_pieces(const std::string& word, std::vector<int32_t>& ids) const {
  // Steps through characters exactly as merge_word does, so pieces start where its atoms start.
  std::string piece;
  size_t piece_start = 0;
  size_t previous_start = 0;
  size_t pos = 0;
  while (pos < word.size()) {
    const size_t start = pos;
    pos = std::min(word.size(), pos + utf8::sequence_length(static_cast<unsigned char>(word[pos])));
    if (start > piece_start && cut_points_.may_cut_before(static_cast<unsigned char>(word[start])) &&
        is_cut_point(word, previous_start, start, pos)) {
      piece.assign(word, piece_start, start - piece_start);
      merge_with_cache(piece, ids);
      piece_start = start;
    }
    previous_start = start;
  }
  if (piece_start == 0) {
    merge_with_cache(word, ids);
    return;
  }
  piece.assign(word, piece_start, word.size() - piece_start);
  merge_with_cache(piece, ids);
}

// The boundary before the character [start, end) whose predecessor starts at previous_start.
bool BpeModel::is_cut_point(const std::string& word, size_t previous_start, size_t start, size_t end) const {
  const char* left = word.data() + previous_start;
  const size_t left_length = start - previous_start;
  std::string_view left_edge;  // the string of the atom that ends right before the boundary
  char byte_token[8];
  if (char_id(left, left_length)) {
    left_edge = std::string_view(left, left_length);
  } else if (every_byte_falls_back_) {
    // With all 256 <0xXX> tokens no character becomes <unk>, so no <unk> can be pending (Rust
    // emits a pending <unk> after the byte tokens that follow it) and the last byte is the edge.
    const int written = std::snprintf(byte_token, sizeof(byte_token), "<0x%02X>",
                                      static_cast<unsigned char>(left[left_length - 1]));
    left_edge = std::string_view(byte_token, static_cast<size_t>(written));
  } else {
    return false;  // an unknown character: an <unk> may fuse across, or it vanishes
  }
  // The right atom must be the character itself (cut_points_ only knows vocab characters).
  return cut_points_.can_cut(bpe_char_key(word.data() + start, end - start), left_edge);
}

void BpeModel::merge_with_cache(const std::string& word, std::vector<int32_t>& ids) const {
  // Words too long for the cache (whole texts without a pre-tokenizer) skip hashing and locking.
  const bool cacheable = word.size() < WordCache::kMaxWordBytes;
  if (cacheable && cache_->lookup(word, ids)) return;
  const size_t first = ids.size();
  merge_word(word, ids);
  if (cacheable) cache_->store(word, ids.data() + first, ids.data() + ids.size());
}

void BpeModel::merge_word(const std::string& word, std::vector<int32_t>& ids) const {
  std::vector<int32_t> symbols;
  symbols.reserve(word.size());
  std::optional<int32_t> pending_unk;  // Rust's `unk`: emitted lazily so fuse_unk can extend it
  auto unk_id = [&]() -> int32_t {
    auto it = vocab_.find(*unk_token_);
    if (it == vocab_.end()) throw TokenizerError("BPE unk_token '" + *unk_token_ + "' is not in the vocab");
    return it->second;
  };
  std::string piece;  // only built when a prefix or suffix decorates the character
  size_t pos = 0;
  while (pos < word.size()) {
    const size_t start = pos;
    pos = std::min(word.size(), pos + utf8::sequence_length(static_cast<unsigned char>(word[pos])));
    const bool prefixed = start > 0 && continuing_subword_prefix_;
    const bool suffixed = pos >= word.size() && end_of_word_suffix_;
    const char* bytes = word.data() + start;
    size_t length = pos - start;
    std::optional<int32_t> found;
    if (!prefixed && !suffixed) {
      found = char_id(bytes, length);
    } else {
      piece.assign(word, start, length);
      if (prefixed) piece.insert(0, *continuing_subword_prefix_);
      if (suffixed) piece += *end_of_word_suffix_;
      bytes = piece.data();
      length = piece.size();
      auto it = vocab_.find(piece);
      if (it != vocab_.end()) found = it->second;
    }
    if (found) {
      if (pending_unk) symbols.push_back(*pending_unk), pending_unk.reset();
      symbols.push_back(*found);
      continue;
    }
    if (byte_fallback_ && append_byte_fallback(bytes, length, symbols)) continue;
    if (unk_token_) {
      if (pending_unk && !fuse_unk_) symbols.push_back(*pending_unk);
      if (!pending_unk || !fuse_unk_) pending_unk = unk_id();
    }
  }
  if (pending_unk) symbols.push_back(*pending_unk);
  apply_merges(symbols);
  ids.insert(ids.end(), symbols.begin(), symbols.end());
}

bool BpeModel::fallback_covers(const char* bytes, size_t length) const {
  for (size_t i = 0; i < length; ++i) {
    if (byte_fallback_ids_[static_cast<unsigned char>(bytes[i])] < 0) return false;
  }
  return length > 0;
}

bool BpeModel::append_byte_fallback(const char* bytes, size_t length, std::vector<int32_t>& symbols) const {
  if (!fallback_covers(bytes, length)) return false;  // all bytes or none
  for (size_t i = 0; i < length; ++i) symbols.push_back(byte_fallback_ids_[static_cast<unsigned char>(bytes[i])]);
  return true;
}

namespace {
constexpr size_t kMaxCharBytes = 4;  // one UTF-8 character
}  // namespace

void BpeModel::build_char_lookups() {
  for (const auto& [token, id] : vocab_) {
    if (!token.empty() && token.size() <= kMaxCharBytes) char_ids_.emplace(bpe_char_key(token.data(), token.size()), id);
  }
  for (int byte = 0; byte < 256; ++byte) {
    auto it = vocab_.find(byte_fallback_token(static_cast<unsigned char>(byte)));
    byte_fallback_ids_[static_cast<size_t>(byte)] = it == vocab_.end() ? -1 : it->second;
  }
  every_byte_falls_back_ = byte_fallback_ && std::all_of(byte_fallback_ids_.begin(), byte_fallback_ids_.end(),
                                                          [](int32_t id) { return id >= 0; });
}

std::optional<int32_t> BpeModel::char_id(const char* bytes, size_t length) const {
  if (length > kMaxCharBytes) return std::nullopt;  // cannot happen for one character; kept exact
  auto it = char_ids_.find(bpe_char_key(bytes, length));
  if (it == char_ids_.end()) return std::nullopt;
  return it->second;
}

void BpeModel::apply_merges(std::vector<int32_t>& ids) const {
  if (ids.size() < 2) return;
  if (ids.size() <= kMaxShortWordSymbols) {
    apply_merges_by_scanning(ids);
    return;
  }
  std::vector<Symbol> symbols(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    symbols[i] = Symbol{ids[i], static_cast<int32_t>(i) - 1,
                        i + 1 < ids.size() ? static_cast<int32_t>(i + 1) : -1, false};
  }
  std::vector<QueuedMerge> initial;
  initial.reserve(symbols.size());
  for (size_t i = 0; i + 1 < symbols.size(); ++i) {
    if (const MergeTarget* m = find_merge(symbols[i].id, symbols[i + 1].id)) {
      initial.push_back(queued_merge(m->rank, i));
    }
  }
  // Heapified in one O(n) pass rather than n pushes.
  std::priority_queue<QueuedMerge, std::vector<QueuedMerge>, std::greater<QueuedMerge>> queue(
      std::greater<QueuedMerge>{}, std::move(initial));
  while (!queue.empty()) {
    const QueuedMerge top = queue.top();
    queue.pop();
    const size_t pos = queued_pos(top);
    Symbol& current = symbols[pos];
    if (current.removed || current.next < 0) continue;
    const auto next_pos = static_cast<size_t>(current.next);
    const Symbol right = symbols[next_pos];
    // Skip entries made stale by an earlier merge of either side. Rust compares the new id; the
    // rank is equivalent: ranks are unique per pair, and a symbol only grows, so the pair at `pos`
    // yields the same merged token only while it is still the queued pair.
    const MergeTarget* still = find_merge(current.id, right.id);
    if (still == nullptr || still->rank != queued_rank(top)) continue;

    current.id = still->new_id;
    current.next = right.next;
    symbols[next_pos].removed = true;
    if (right.next >= 0) symbols[static_cast<size_t>(right.next)].prev = static_cast<int32_t>(pos);

    if (current.prev >= 0) {
      const auto prev_pos = static_cast<size_t>(current.prev);
      if (const MergeTarget* m = find_merge(symbols[prev_pos].id, current.id)) {
        queue.push(queued_merge(m->rank, prev_pos));
      }
    }
    if (current.next >= 0) {
      if (const MergeTarget* m = find_merge(current.id, symbols[static_cast<size_t>(current.next)].id)) {
        queue.push(queued_merge(m->rank, pos));
      }
    }
  }
  ids.clear();
  for (const Symbol& s : symbols) {
    if (!s.removed) ids.push_back(s.id);
  }
}

// Same order as the heap (lowest rank, leftmost on ties), found by rescanning the ranks of the
// few adjacent pairs: for the short pieces of cut texts and pre-tokenized words this avoids
// every allocation and heap operation of apply_merges.
void BpeModel::apply_merges_by_scanning(std::vector<int32_t>& ids) const {
  constexpr uint32_t kNoMerge = UINT32_MAX;
  std::array<MergeTarget, kMaxShortWordSymbols> pairs;  // pairs[i]: merge of ids[i] and ids[i + 1]
  auto pair_at = [&](size_t i) {
    const MergeTarget* merge = find_merge(ids[i], ids[i + 1]);
    return merge != nullptr ? *merge : MergeTarget{kNoMerge, -1};
  };
  size_t count = ids.size();
  for (size_t i = 0; i + 1 < count; ++i) pairs[i] = pair_at(i);
  while (count > 1) {
    size_t best = 0;
    for (size_t i = 1; i + 1 < count; ++i) {
      if (pairs[i].rank < pairs[best].rank) best = i;  // strict: the leftmost wins ties
    }
    if (pairs[best].rank == kNoMerge) break;
    ids[best] = pairs[best].new_id;
    ids.erase(ids.begin() + static_cast<std::ptrdiff_t>(best) + 1);
    // Pairs right of the merged one move down by one; the two touching it are looked up again.
    for (size_t i = best + 1; i + 2 < count; ++i) pairs[i] = pairs[i + 1];
    --count;
    if (best > 0) pairs[best - 1] = pair_at(best - 1);
    if (best + 1 < count) pairs[best] = pair_at(best);
  }
}

std::optional<int32_t> BpeModel::token_to_id(const std::string& token) const {
  auto it = vocab_.find(token);
  if (it == vocab_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> BpeModel::id_to_token(int32_t id) const {
  auto it = vocab_r_.find(id);
  if (it == vocab_r_.end()) return std::nullopt;
  return it->second;
}

}  // namespace rb::text

#include "text/tokenizer/word_models.h"

#include "common/error.h"
#include "common/utf8.h"

namespace rb::text {

VocabMap::VocabMap(const nlohmann::json& vocab, const JsonContext& ctx) {
  require_object(vocab, ctx);
  ids_.reserve(vocab.size());
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    const int64_t id = require_integer(it.value(), ctx.child(it.key()));
    if (id < 0 || id > INT32_MAX) ctx.child(it.key()).fail("id out of range");
    ids_[it.key()] = static_cast<int32_t>(id);
    tokens_[static_cast<int32_t>(id)] = it.key();
  }
}

std::optional<int32_t> VocabMap::find(const std::string& token) const {
  auto it = ids_.find(token);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> VocabMap::token(int32_t id) const {
  auto it = tokens_.find(id);
  if (it == tokens_.end()) return std::nullopt;
  return it->second;
}

namespace {
size_t count_code_points(const std::string& text) {
  size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}
}  // namespace

WordPieceModel::WordPieceModel(const nlohmann::json& config, const JsonContext& ctx)
    : vocab_(require_field(config, "vocab", ctx), ctx.child("vocab")),
      unk_token_(string_or(config, "unk_token", "[UNK]", ctx)),
      continuing_subword_prefix_(string_or(config, "continuing_subword_prefix", "##", ctx)),
      max_input_chars_per_word_(100),
      origin_(ctx.origin) {
  if (has_non_null(config, "max_input_chars_per_word")) {
    const int64_t max = require_integer(config.at("max_input_chars_per_word"),
                                        ctx.child("max_input_chars_per_word"));
    if (max < 0) ctx.child("max_input_chars_per_word").fail("must not be negative");
    max_input_chars_per_word_ = static_cast<size_t>(max);
  }
}

int32_t WordPieceModel::unk_id() const {
  auto id = vocab_.find(unk_token_);
  if (!id) throw TokenizerError(origin_ + ": WordPiece unk_token '" + unk_token_ + "' is not in the vocab");
  return *id;
}

void WordPieceModel::tokenize(const std::string& word, std::vector<int32_t>& ids) const {
  if (count_code_points(word) > max_input_chars_per_word_) {
    ids.push_back(unk_id());
    return;
  }
  std::vector<int32_t> pieces;
  size_t start = 0;
  std::string candidate;
  while (start < word.size()) {
    size_t end = word.size();
    std::optional<int32_t> found;
    // Greedy longest match: shrink from the right one character at a time.
    while (start < end) {
      candidate.assign(start > 0 ? continuing_subword_prefix_ : std::string());
      candidate.append(word, start, end - start);
      found = vocab_.find(candidate);
      if (found) break;
      size_t back = end - 1;
      while (back > start && (static_cast<unsigned char>(word[back]) & 0xC0) == 0x80) --back;
      end = back;
    }
    if (!found) {
      ids.push_back(unk_id());
      return;
    }
    pieces.push_back(*found);
    start = end;
  }
  ids.insert(ids.end(), pieces.begin(), pieces.end());
}

WordLevelModel::WordLevelModel(const nlohmann::json& config, const JsonContext& ctx)
    : vocab_(require_field(config, "vocab", ctx), ctx.child("vocab")),
      unk_token_(string_or(config, "unk_token", "<unk>", ctx)),
      origin_(ctx.origin) {}

void WordLevelModel::tokenize(const std::string& word, std::vector<int32_t>& ids) const {
  if (auto id = vocab_.find(word)) {
    ids.push_back(*id);
    return;
  }
  auto unk = vocab_.find(unk_token_);
  if (!unk) throw TokenizerError(origin_ + ": WordLevel unk_token '" + unk_token_ + "' is not in the vocab");
  ids.push_back(*unk);
}

}  // namespace rb::text

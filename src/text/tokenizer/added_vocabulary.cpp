#include "text/tokenizer/added_vocabulary.h"

#include <unicode/uchar.h>

#include <algorithm>

#include "common/utf8.h"
#include "text/tokenizer/unicode_classes.h"

namespace rb::text {

namespace {

bool is_word_char(char32_t cp) { return is_regex_word_char(cp); }

bool is_white_space(char32_t cp) { return u_isUWhiteSpace(static_cast<UChar32>(cp)); }

bool ends_with_word(std::string_view text) {
  return !text.empty() && is_word_char(utf8::decode_before(text, text.size()));
}

bool starts_with_word(std::string_view text) {
  size_t pos = 0;
  return !text.empty() && is_word_char(utf8::decode_next(text, pos));
}

// Start of the run of white space that ends `text` (text.size() when there is none).
size_t trailing_space_start(std::string_view text) {
  size_t start = text.size();
  while (start > 0) {
    const char32_t cp = utf8::decode_before(text, start);
    if (!is_white_space(cp)) break;
    size_t probe = start - 1;
    while (probe > 0 && (static_cast<unsigned char>(text[probe]) & 0xC0) == 0x80) --probe;
    start = probe;
  }
  return start;
}

// Length of the run of white space that starts `text`.
size_t leading_space_length(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t next = pos;
    if (!is_white_space(utf8::decode_next(text, next))) break;
    pos = next;
  }
  return pos;
}

AddedToken parse_added_token(const nlohmann::json& entry, const JsonContext& ctx) {
  AddedToken token;
  token.content = require_string(require_field(entry, "content", ctx), ctx.child("content"));
  require_integer(require_field(entry, "id", ctx), ctx.child("id"));
  token.special = bool_or(entry, "special", false, ctx);
  token.single_word = bool_or(entry, "single_word", false, ctx);
  token.lstrip = bool_or(entry, "lstrip", false, ctx);
  token.rstrip = bool_or(entry, "rstrip", false, ctx);
  token.normalized = bool_or(entry, "normalized", !token.special, ctx);
  return token;
}

bool same_token(const AddedToken& a, const AddedToken& b) {
  return a.content == b.content && a.single_word == b.single_word && a.lstrip == b.lstrip &&
         a.rstrip == b.rstrip && a.normalized == b.normalized && a.special == b.special;
}

}  // namespace

// ---- TokenTrie ----

int32_t TokenTrie::child(int32_t node, unsigned char byte) const {
  for (const auto& [edge_byte, target] : nodes_[static_cast<size_t>(node)].edges) {
    if (edge_byte == byte) return target;
  }
  return -1;
}

void TokenTrie::add(std::string_view pattern, size_t pattern_index) {
  if (pattern.empty()) return;
  int32_t node = 0;
  for (char c : pattern) {
    const auto byte = static_cast<unsigned char>(c);
    int32_t next = child(node, byte);
    if (next < 0) {
      next = static_cast<int32_t>(nodes_.size());
      nodes_.push_back(Node{});
      nodes_[static_cast<size_t>(node)].edges.emplace_back(byte, next);
    }
    node = next;
  }
  first_byte_[static_cast<unsigned char>(pattern[0])] = true;
  auto& terminal = nodes_[static_cast<size_t>(node)].pattern;
  if (terminal < 0) terminal = static_cast<int64_t>(pattern_index);
}

std::optional<TokenTrie::Match> TokenTrie::find(std::string_view text, size_t from) const {
  for (size_t start = from; start < text.size(); ++start) {
    if (!first_byte_[static_cast<unsigned char>(text[start])]) continue;
    int32_t node = 0;
    std::optional<Match> longest;
    for (size_t i = start; i < text.size(); ++i) {
      node = child(node, static_cast<unsigned char>(text[i]));
      if (node < 0) break;
      const int64_t pattern = nodes_[static_cast<size_t>(node)].pattern;
      if (pattern >= 0) longest = Match{start, i + 1, static_cast<size_t>(pattern)};
    }
    if (longest) return longest;
  }
  return std::nullopt;
}

// ---- AddedVocabulary ----

AddedVocabulary::AddedVocabulary(const nlohmann::json& added_tokens, const JsonContext& ctx,
                                 const ModelVocabView& model, const Normalizer* normalizer) {
  if (!added_tokens.is_null()) {
    require_array(added_tokens, ctx);
    for (size_t i = 0; i < added_tokens.size(); ++i) {
      add_token(parse_added_token(added_tokens[i], ctx.index(i)), model);
    }
  }
  build_tries(normalizer);
}

void AddedVocabulary::add_token(const AddedToken& token, const ModelVocabView& model) {
  // Mirrors Rust's AddedVocabulary::add_tokens for one token, id assignment included.
  if (token.special && !token.content.empty() && special_contents_.insert(token.content).second) {
    special_tokens_.push_back(token);
  }
  if (token.content.empty()) return;
  // Rust skips a token equal in every flag to one already added. A content keeps the id it got
  // first, so the only candidate is the token stored under that id.
  std::optional<int32_t> id = token_to_id(token.content);
  if (id && same_token(tokens_by_id_.at(*id), token)) return;
  if (!id) id = model.token_to_id(token.content);
  if (!id) {
    const auto vocab_size = static_cast<int32_t>(model.vocab_size);
    if (ids_.empty()) {
      id = vocab_size;
    } else {
      id = (max_id_ >= vocab_size || vocab_size == 0) ? max_id_ + 1 : vocab_size;
    }
  }
  ids_[token.content] = *id;
  max_id_ = std::max(max_id_, *id);
  tokens_by_id_[*id] = token;
  if (special_contents_.count(token.content) == 0) plain_tokens_.push_back(token);
}

void AddedVocabulary::build_tries(const Normalizer* normalizer) {
  std::vector<const AddedToken*> ordered;
  for (const auto& t : special_tokens_) ordered.push_back(&t);
  for (const auto& t : plain_tokens_) ordered.push_back(&t);
  for (const AddedToken* token : ordered) {
    const int32_t id = ids_.at(token->content);
    if (token->normalized) {
      std::string pattern = token->content;
      if (normalizer) normalizer->normalize(pattern);
      normalized_trie_.add(pattern, normalized_trie_ids_.size());
      normalized_trie_ids_.push_back(id);
    } else {
      raw_trie_.add(token->content, raw_trie_ids_.size());
      raw_trie_ids_.push_back(id);
    }
  }
}

void AddedVocabulary::split_pieces(const TokenTrie& trie, const std::vector<int32_t>& trie_ids,
                                   std::string_view text, Pieces& out) const {
  auto emit = [&](size_t begin, size_t end, int32_t id) {
    if (end > begin) out.push_back(Piece{std::string(text.substr(begin, end - begin)), id});
  };
  size_t consumed = 0;  // Rust's start_offset
  size_t search_from = 0;
  while (!trie.empty()) {
    const auto match = trie.find(text, search_from);
    if (!match) break;
    search_from = match->end;
    const int32_t id = trie_ids[match->pattern];
    const AddedToken& token = tokens_by_id_.at(id);
    size_t start = match->start;
    size_t stop = match->end;
    if (token.single_word) {
      const bool space_before = start == 0 || !ends_with_word(text.substr(0, start));
      const bool space_after = stop == text.size() || !starts_with_word(text.substr(stop));
      if (!space_before || !space_after) continue;
    }
    if (token.lstrip) start = std::max(trailing_space_start(text.substr(0, start)), consumed);
    if (token.rstrip) stop += leading_space_length(text.substr(stop));
    if (consumed < start) emit(consumed, start, -1);
    // Rust slices [start, stop) even when an earlier rstrip already consumed part of it.
    if (stop > start) out.push_back(Piece{std::string(text.substr(start, stop - start)), id});
    consumed = stop;
  }
  if (consumed < text.size()) emit(consumed, text.size(), -1);
}

Pieces AddedVocabulary::extract_and_normalize(std::string_view text,
                                              const Normalizer* normalizer) const {
  Pieces raw_split;
  split_pieces(raw_trie_, raw_trie_ids_, text, raw_split);
  Pieces result;
  result.reserve(raw_split.size());
  for (Piece& piece : raw_split) {
    if (piece.is_token()) {
      result.push_back(std::move(piece));
      continue;
    }
    if (normalizer) normalizer->normalize(piece.text);
    split_pieces(normalized_trie_, normalized_trie_ids_, piece.text, result);
  }
  return result;
}

std::optional<int32_t> AddedVocabulary::token_to_id(std::string_view content) const {
  auto it = ids_.find(std::string(content));
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

const AddedToken* AddedVocabulary::token_for_id(int32_t id) const {
  auto it = tokens_by_id_.find(id);
  return it == tokens_by_id_.end() ? nullptr : &it->second;
}

}  // namespace rb::text

#include "text/tokenizer/unigram_model.h"

#include <limits>

#include "common/error.h"
#include "common/utf8.h"

namespace rb::text {

namespace {
constexpr double kUnknownPenalty = 10.0;  // Rust's K_UNK_PENALTY
}  // namespace

UnigramModel::UnigramModel(const nlohmann::json& config, const JsonContext& ctx) {
  const JsonContext vocab_ctx = ctx.child("vocab");
  const auto& vocab = require_array(require_field(config, "vocab", ctx), vocab_ctx);
  pieces_.reserve(vocab.size());
  for (size_t i = 0; i < vocab.size(); ++i) {
    const JsonContext entry_ctx = vocab_ctx.index(i);
    const auto& entry = require_array(vocab[i], entry_ctx);
    if (entry.size() != 2 || !entry[1].is_number()) entry_ctx.fail("expected [piece, score]");
    pieces_.emplace_back(require_string(entry[0], entry_ctx.index(0)), entry[1].get<double>());
  }
  if (has_non_null(config, "unk_id")) {
    const int64_t unk = require_integer(config.at("unk_id"), ctx.child("unk_id"));
    if (unk < 0 || static_cast<size_t>(unk) >= pieces_.size()) ctx.child("unk_id").fail("out of range");
    unk_id_ = static_cast<int32_t>(unk);
  }
  byte_fallback_ = bool_or(config, "byte_fallback", false, ctx);
  build(ctx.origin);
}

UnigramModel::UnigramModel(std::vector<std::pair<std::string, double>> pieces,
                           std::optional<int32_t> unk_id, bool byte_fallback,
                           const std::string& origin)
    : pieces_(std::move(pieces)), unk_id_(unk_id), byte_fallback_(byte_fallback) {
  build(origin);
}

void UnigramModel::build(const std::string& origin) {
  if (pieces_.empty()) throw TokenizerError(origin + ": Unigram vocab is empty");
  min_score_ = std::numeric_limits<double>::infinity();
  terminal_.assign(1, -1);
  ids_.reserve(pieces_.size());
  for (size_t id = 0; id < pieces_.size(); ++id) {
    const auto& [piece, score] = pieces_[id];
    // Rust collects into a HashMap: a later duplicate piece takes over the string's id.
    ids_[piece] = static_cast<int32_t>(id);
    if (score < min_score_) min_score_ = score;
    int32_t node = 0;
    for (char c : piece) {
      const uint64_t key = (static_cast<uint64_t>(node) << 8) | static_cast<unsigned char>(c);
      auto it = edges_.find(key);
      if (it == edges_.end()) {
        it = edges_.emplace(key, static_cast<int32_t>(terminal_.size())).first;
        terminal_.push_back(-1);
      }
      node = it->second;
    }
    if (!piece.empty()) terminal_[static_cast<size_t>(node)] = static_cast<int32_t>(id);
  }
  // The trie answers with the id the string maps to (the last duplicate), as Rust's lookup does.
  for (int32_t& t : terminal_) {
    if (t >= 0) t = ids_.at(pieces_[static_cast<size_t>(t)].first);
  }
}

template <typename Visit>
void UnigramModel::for_each_prefix(const std::string& text, size_t start, Visit visit) const {
  int32_t node = 0;
  for (size_t i = start; i < text.size(); ++i) {
    const uint64_t key = (static_cast<uint64_t>(node) << 8) | static_cast<unsigned char>(text[i]);
    auto it = edges_.find(key);
    if (it == edges_.end()) return;
    node = it->second;
    if (terminal_[static_cast<size_t>(node)] >= 0) visit(terminal_[static_cast<size_t>(node)], i + 1);
  }
}

std::vector<std::string> UnigramModel::segment(const std::string& sentence) const {
  struct BestPath {
    int32_t id = -1;
    double score = 0;
    int64_t starts_at = -1;  // -1: not reached yet
  };
  const size_t size = sentence.size();
  if (size == 0) return {};
  const double unk_score = min_score_ - kUnknownPenalty;
  std::vector<BestPath> best(size + 1);
  best[0].starts_at = 0;
  size_t starts_at = 0;
  while (starts_at < size) {
    const double score_here = best[starts_at].score;
    const size_t char_length = utf8::sequence_length(static_cast<unsigned char>(sentence[starts_at]));
    bool has_single_char_piece = false;
    auto offer = [&](int32_t id, size_t end, double score) {
      BestPath& target = best[end];
      const double candidate = score + score_here;
      if (target.starts_at < 0 || candidate > target.score) {
        target = BestPath{id, candidate, static_cast<int64_t>(starts_at)};
      }
    };
    for_each_prefix(sentence, starts_at, [&](int32_t id, size_t end) {
      offer(id, end, pieces_[static_cast<size_t>(id)].second);
      if (end - starts_at == char_length) has_single_char_piece = true;
    });
    if (!has_single_char_piece) offer(unk_id_ ? *unk_id_ : -1, starts_at + char_length, unk_score);
    starts_at += char_length;
  }
  std::vector<std::string> reversed;
  std::vector<std::string> run_parts;
  auto flush_unknown = [&] {
    if (run_parts.empty()) return;
    std::string fused;
    for (auto it = run_parts.rbegin(); it != run_parts.rend(); ++it) fused += *it;
    reversed.push_back(std::move(fused));
    run_parts.clear();
  };
  size_t ends_at = size;
  while (ends_at > 0) {
    const BestPath& node = best[ends_at];
    const auto begin = static_cast<size_t>(node.starts_at);
    std::string piece = sentence.substr(begin, ends_at - begin);
    if (unk_id_ && node.id == *unk_id_) {
      run_parts.push_back(std::move(piece));
    } else {
      flush_unknown();
      reversed.push_back(std::move(piece));
    }
    ends_at = begin;
  }
  flush_unknown();
  return std::vector<std::string>(reversed.rbegin(), reversed.rend());
}

void UnigramModel::tokenize(const std::string& word, std::vector<int32_t>& ids) const {
  for (const std::string& piece : segment(word)) {
    auto found = ids_.find(piece);
    if (found != ids_.end()) {
      ids.push_back(found->second);
      continue;
    }
    if (byte_fallback_) {
      std::vector<int32_t> byte_ids;
      for (char c : piece) {
        auto byte_token = ids_.find(byte_fallback_token(static_cast<unsigned char>(c)));
        if (byte_token == ids_.end()) break;
        byte_ids.push_back(byte_token->second);
      }
      if (byte_ids.size() == piece.size()) {
        ids.insert(ids.end(), byte_ids.begin(), byte_ids.end());
        continue;
      }
    }
    if (!unk_id_) throw TokenizerError("Unigram model: '" + piece + "' is unknown and there is no unk_id");
    ids.push_back(*unk_id_);
  }
}

std::optional<int32_t> UnigramModel::token_to_id(const std::string& token) const {
  auto it = ids_.find(token);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> UnigramModel::id_to_token(int32_t id) const {
  if (id < 0 || static_cast<size_t>(id) >= pieces_.size()) return std::nullopt;
  return pieces_[static_cast<size_t>(id)].first;
}

}  // namespace rb::text

// Cutting long BPE words where the merges table proves no merge can cross (bpe_cut_points.h):
// the proof itself on hand-made merge tables, and a differential test of whole tokenizers on
// random vocabularies, merges and texts against a naive BPE written here from the Rust rules
// (lowest rank first, leftmost on ties; characters, then <0xXX> bytes, then a fusable <unk>).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "text/tokenizer/bpe_cut_points.h"
#include "text/tokenizer/tokenizer.h"

namespace rb::text {
namespace {

using nlohmann::json;
using Ids = std::vector<int32_t>;
using Merges = std::vector<std::pair<std::string, std::string>>;

const std::string kMeta = "\xE2\x96\x81";  // "▁"

uint64_t key_of(const std::string& character) { return bpe_char_key(character.data(), character.size()); }

TEST(BpeCutPoints, CutsBeforeACharacterOnlyWhenNoMergeJoinsThatLeftEdge) {
  const Merges merges = {{kMeta, kMeta}, {kMeta + kMeta, kMeta}, {"a", "b"}, {kMeta, "a"}};
  const BpeCutPoints cuts(merges, {kMeta, "a", "b"});
  EXPECT_TRUE(cuts.can_cut(key_of(kMeta), "a"));     // no merge puts anything ending in a before ▁
  EXPECT_TRUE(cuts.can_cut(key_of(kMeta), "b"));
  EXPECT_FALSE(cuts.can_cut(key_of(kMeta), kMeta));  // ▁ + ▁ merges
  EXPECT_FALSE(cuts.can_cut(key_of("a"), kMeta));    // ▁ + a merges
  EXPECT_FALSE(cuts.can_cut(key_of("b"), "a"));
  EXPECT_TRUE(cuts.can_cut(key_of("b"), "b"));
  EXPECT_TRUE(cuts.may_cut_before(static_cast<unsigned char>(kMeta[0])));
  EXPECT_FALSE(cuts.may_cut_before('z'));
}

TEST(BpeCutPoints, LeftOperandsMatchByTheirTrailingBytes) {
  // A left operand that merely ends with the edge blocks the cut, however long it is.
  const BpeCutPoints cuts({{"xxxxxxxxxxxa", kMeta}, {"<0x0A>", kMeta}}, {kMeta, "a", "x"});
  EXPECT_FALSE(cuts.can_cut(key_of(kMeta), "a"));
  EXPECT_TRUE(cuts.can_cut(key_of(kMeta), "x"));
  EXPECT_FALSE(cuts.can_cut(key_of(kMeta), "<0x0A>"));  // the byte-fallback atom of "\n"
  EXPECT_TRUE(cuts.can_cut(key_of(kMeta), "<0x0B>"));
}

TEST(BpeCutPoints, NeverCutsBeforeCharactersItCannotProveSafe) {
  Merges many_left_operands;
  for (char c = 'a'; c <= 'z'; ++c) many_left_operands.emplace_back(std::string(1, c), "q");
  const BpeCutPoints cuts(many_left_operands, {"q", "a"});
  EXPECT_FALSE(cuts.can_cut(key_of("q"), "b"));  // too many left tails to keep: no rule
  EXPECT_FALSE(cuts.can_cut(key_of("z"), "a"));  // not a vocab character
  EXPECT_TRUE(cuts.can_cut(key_of("a"), "q"));   // never a right operand: always safe
  EXPECT_TRUE(BpeCutPoints().empty());
}

// ---- differential test -------------------------------------------------------------------

struct RandomBpe {
  json vocab = json::object();
  std::vector<std::string> tokens;  // by id
  Merges merges;
  std::optional<std::string> unk;
  bool fuse_unk = false;
  bool byte_fallback = false;

  int32_t add(const std::string& token) {
    if (vocab.contains(token)) return vocab[token].get<int32_t>();
    vocab[token] = static_cast<int32_t>(tokens.size());
    tokens.push_back(token);
    return static_cast<int32_t>(tokens.size() - 1);
  }
};

const std::vector<std::string> kKnownCharacters = {"a", "b", "c", "d", kMeta, "\xC3\xA9", "\xE4\xB8\xAD"};
const std::vector<std::string> kUnknownCharacters = {"z", "\xC3\xBC", "\n"};

std::string byte_token(unsigned char byte) {
  char buffer[8];
  std::snprintf(buffer, sizeof(buffer), "<0x%02X>", byte);
  return buffer;
}

// SentencePiece-like tables only let ▁ be merged onto pieces of ▁, which makes ▁ a cut point;
// the others merge anything with anything, so the proof has to refuse most boundaries.
RandomBpe random_bpe(std::mt19937& rng, bool sentencepiece_like) {
  RandomBpe bpe;
  const int shape = static_cast<int>(rng() % 3);  // 0: every byte token, 1: some, 2: <unk> only
  bpe.byte_fallback = shape != 2;
  if (shape != 0 || rng() % 2) bpe.unk = "<unk>";
  bpe.fuse_unk = rng() % 2;
  if (bpe.unk) bpe.add(*bpe.unk);
  for (int byte = 0; byte < 256; ++byte) {
    if (shape == 0 || (shape == 1 && byte % 3 != 0)) bpe.add(byte_token(static_cast<unsigned char>(byte)));
  }
  std::vector<std::string> pool;
  for (const auto& character : kKnownCharacters) pool.push_back(character), bpe.add(character);
  pool.push_back(byte_token('\n'));
  if (bpe.unk) pool.push_back(*bpe.unk);
  std::set<std::pair<std::string, std::string>> used;
  const int merge_count = 20 + static_cast<int>(rng() % 60);
  for (int attempt = 0; attempt < 2000 && static_cast<int>(bpe.merges.size()) < merge_count; ++attempt) {
    const std::string left = pool[rng() % pool.size()];  // copies: pool grows below
    const std::string right = pool[rng() % pool.size()];
    if (!bpe.vocab.contains(left) || !bpe.vocab.contains(right)) continue;
    if (sentencepiece_like && right.rfind(kMeta, 0) == 0 && left.find_first_not_of(kMeta) != std::string::npos) continue;
    if (!used.insert({left, right}).second) continue;
    bpe.merges.emplace_back(left, right);
    if (!bpe.vocab.contains(left + right)) pool.push_back(left + right);
    bpe.add(left + right);
  }
  return bpe;
}

json tokenizer_json(const RandomBpe& bpe) {
  json merges = json::array();
  for (const auto& [left, right] : bpe.merges) merges.push_back(json::array({left, right}));
  return {{"version", "1.0"}, {"truncation", nullptr}, {"padding", nullptr}, {"added_tokens", json::array()},
          {"normalizer", nullptr}, {"pre_tokenizer", nullptr}, {"post_processor", nullptr}, {"decoder", nullptr},
          {"model",
           {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", bpe.unk ? json(*bpe.unk) : json(nullptr)},
            {"continuing_subword_prefix", nullptr}, {"end_of_word_suffix", nullptr}, {"fuse_unk", bpe.fuse_unk},
            {"byte_fallback", bpe.byte_fallback}, {"vocab", bpe.vocab}, {"merges", merges}}}};
}

std::vector<std::string> characters_of(const std::string& text) {
  std::vector<std::string> characters;
  for (size_t pos = 0; pos < text.size();) {
    const auto lead = static_cast<unsigned char>(text[pos]);
    const size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    characters.push_back(text.substr(pos, length));
    pos += length;
  }
  return characters;
}

// The Rust rules, spelled out without any cleverness.
Ids naive_bpe(const RandomBpe& bpe, const std::string& text) {
  Ids atoms;
  std::optional<int32_t> pending_unk;
  for (const std::string& character : characters_of(text)) {
    if (bpe.vocab.contains(character)) {
      if (pending_unk) atoms.push_back(*pending_unk), pending_unk.reset();
      atoms.push_back(bpe.vocab[character].get<int32_t>());
      continue;
    }
    if (bpe.byte_fallback) {
      Ids bytes;
      for (unsigned char byte : character) {
        if (bpe.vocab.contains(byte_token(byte))) bytes.push_back(bpe.vocab[byte_token(byte)].get<int32_t>());
      }
      if (bytes.size() == character.size()) {
        atoms.insert(atoms.end(), bytes.begin(), bytes.end());  // a pending <unk> stays pending
        continue;
      }
    }
    if (!bpe.unk) continue;
    if (pending_unk && !bpe.fuse_unk) atoms.push_back(*pending_unk);
    if (!pending_unk || !bpe.fuse_unk) pending_unk = bpe.vocab[*bpe.unk].get<int32_t>();
  }
  if (pending_unk) atoms.push_back(*pending_unk);
  std::map<std::pair<int32_t, int32_t>, std::pair<size_t, int32_t>> rank_of;
  for (size_t rank = 0; rank < bpe.merges.size(); ++rank) {
    const auto& [left, right] = bpe.merges[rank];
    rank_of[{bpe.vocab[left].get<int32_t>(), bpe.vocab[right].get<int32_t>()}] = {rank, bpe.vocab[left + right].get<int32_t>()};
  }
  while (true) {
    size_t best = atoms.size();
    std::pair<size_t, int32_t> best_merge{SIZE_MAX, -1};
    for (size_t i = 0; i + 1 < atoms.size(); ++i) {
      auto found = rank_of.find({atoms[i], atoms[i + 1]});
      if (found != rank_of.end() && found->second.first < best_merge.first) best = i, best_merge = found->second;
    }
    if (best == atoms.size()) return atoms;
    atoms[best] = best_merge.second;
    atoms.erase(atoms.begin() + static_cast<std::ptrdiff_t>(best) + 1);
  }
}

std::string random_text(std::mt19937& rng) {
  std::string text;
  const size_t length = 32 + rng() % 120;
  for (size_t i = 0; i < length; ++i) {
    const unsigned roll = rng() % 20;
    if (roll < 5) text += kMeta;
    else if (roll < 7) text += kUnknownCharacters[rng() % kUnknownCharacters.size()];
    else text += kKnownCharacters[rng() % kKnownCharacters.size()];
  }
  return text;
}

TEST(BpeCutPoints, LongWordsTokenizeAsTheWholeWordMergedNaively) {
  std::mt19937 rng(20261128);
  size_t provable_cuts = 0;
  for (int table = 0; table < 60; ++table) {
    const bool sentencepiece_like = table % 2 == 0;
    const RandomBpe bpe = random_bpe(rng, sentencepiece_like);
    const Tokenizer tokenizer = Tokenizer::from_json_string(tokenizer_json(bpe).dump());
    const BpeCutPoints cuts(bpe.merges, kKnownCharacters);
    for (int sample = 0; sample < 40; ++sample) {
      const std::string text = random_text(rng);
      // Twice: the second encode reads pieces back from the word cache.
      for (int pass = 0; pass < 2; ++pass) {
        ASSERT_EQ(tokenizer.encode(text, false), naive_bpe(bpe, text))
            << "table " << table << " pass " << pass << " text '" << text << "'";
      }
      const auto characters = characters_of(text);
      for (size_t i = 1; i < characters.size(); ++i) {
        if (bpe.vocab.contains(characters[i - 1]) && bpe.vocab.contains(characters[i]) &&
            cuts.can_cut(key_of(characters[i]), characters[i - 1])) {
          ++provable_cuts;
        }
      }
    }
  }
  EXPECT_GT(provable_cuts, 1000u);  // the tables do exercise the cutting path
}

}  // namespace
}  // namespace rb::text

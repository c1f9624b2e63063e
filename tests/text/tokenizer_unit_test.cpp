// Unit tests on small in-memory tokenizer.json files: added-token flags, BPE merge order,
// truncation, malformed files and invalid input. Expected ids follow Hugging Face's documented
// semantics, worked out by hand from a character vocabulary (a..z = 0..25, ' ' = 26, ...).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "text/tokenizer/tokenizer.h"

namespace rb::text {
namespace {

using nlohmann::json;
using Ids = std::vector<int32_t>;

constexpr int32_t kSpace = 26, kLess = 27, kGreater = 28, kTab = 29;
// Added tokens absent from the vocab get ids from the vocab size up, in file order (Rust
// reassigns them even when the file says otherwise), so each tiny tokenizer's first added
// token is 34.
constexpr int32_t kMask = 34, kYes = 34, kBos = 34, kEos = 35;

int32_t letter(char c) { return c - 'a'; }

json char_vocab() {
  json vocab = json::object();
  for (char c = 'a'; c <= 'z'; ++c) vocab[std::string(1, c)] = letter(c);
  vocab[" "] = kSpace;
  vocab["<"] = kLess;
  vocab[">"] = kGreater;
  vocab["\t"] = kTab;
  vocab["ab"] = 30;
  vocab["bc"] = 31;
  vocab["abc"] = 32;
  vocab["aa"] = 33;
  return vocab;
}

json added(const std::string& content, int32_t id, bool special = false) {
  return {{"id", id},          {"content", content}, {"single_word", false}, {"lstrip", false},
          {"rstrip", false},   {"normalized", !special}, {"special", special}};
}

json tokenizer_doc(json added_tokens, json merges = json::array(), json normalizer = nullptr,
                   json post_processor = nullptr) {
  return {{"version", "1.0"},
          {"truncation", nullptr},
          {"padding", nullptr},
          {"added_tokens", std::move(added_tokens)},
          {"normalizer", std::move(normalizer)},
          {"pre_tokenizer", nullptr},
          {"post_processor", std::move(post_processor)},
          {"decoder", nullptr},
          {"model",
           {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", nullptr},
            {"continuing_subword_prefix", nullptr}, {"end_of_word_suffix", nullptr},
            {"fuse_unk", false}, {"byte_fallback", false}, {"ignore_merges", false},
            {"vocab", char_vocab()}, {"merges", std::move(merges)}}}};
}

Tokenizer with_mask(bool lstrip, bool rstrip, bool single_word) {
  json token = added("<mask>", kMask);
  token["lstrip"] = lstrip;
  token["rstrip"] = rstrip;
  token["single_word"] = single_word;
  return Tokenizer::from_json_string(tokenizer_doc(json::array({token})).dump());
}

TEST(TokenizerAddedTokens, PlainTokenKeepsSurroundingSpaces) {
  EXPECT_EQ(with_mask(false, false, false).encode("a <mask> b", false),
            (Ids{0, kSpace, kMask, kSpace, 1}));
}

TEST(TokenizerAddedTokens, LstripSwallowsSpacesOnTheLeft) {
  EXPECT_EQ(with_mask(true, false, false).encode("a \t <mask> b", false),
            (Ids{0, kMask, kSpace, 1}));
}

TEST(TokenizerAddedTokens, RstripSwallowsSpacesOnTheRight) {
  EXPECT_EQ(with_mask(false, true, false).encode("a <mask> \tb", false),
            (Ids{0, kSpace, kMask, 1}));
}

TEST(TokenizerAddedTokens, LstripDoesNotReclaimSpacesTakenByPreviousRstrip) {
  // The first token's rstrip takes the spaces; the second's lstrip cannot take them again.
  EXPECT_EQ(with_mask(true, true, false).encode("<mask>  <mask>", false), (Ids{kMask, kMask}));
}

TEST(TokenizerAddedTokens, SingleWordOnlyMatchesWholeWords) {
  const Ids mask_chars{kLess, letter('m'), letter('a'), letter('s'), letter('k'), kGreater};
  Ids expected{letter('a')};
  expected.insert(expected.end(), mask_chars.begin(), mask_chars.end());
  expected.push_back(kSpace);
  expected.push_back(kMask);
  EXPECT_EQ(with_mask(false, false, true).encode("a<mask> <mask>", false), expected);
  // Punctuation next to the token is not a word character.
  EXPECT_EQ(with_mask(false, false, true).encode("<mask>>", false), (Ids{kMask, kGreater}));
}

TEST(TokenizerAddedTokens, NormalizedTokenMatchesNormalizedText) {
  const json lowercase = {{"type", "Lowercase"}};
  json normalized_yes = added("yes", kYes);
  const auto normalized = Tokenizer::from_json_string(
      tokenizer_doc(json::array({normalized_yes}), json::array(), lowercase).dump());
  EXPECT_EQ(normalized.encode("YES", false), (Ids{kYes}));

  json raw_yes = added("yes", kYes);
  raw_yes["normalized"] = false;
  const auto raw = Tokenizer::from_json_string(
      tokenizer_doc(json::array({raw_yes}), json::array(), lowercase).dump());
  EXPECT_EQ(raw.encode("YES", false), (Ids{letter('y'), letter('e'), letter('s')}));
  EXPECT_EQ(raw.encode("yes", false), (Ids{kYes}));
}

TEST(TokenizerAddedTokens, LongestMatchWinsAtTheSamePosition) {
  const auto tokenizer = Tokenizer::from_json_string(
      tokenizer_doc(json::array({added("<m", 34), added("<mask>", 35)})).dump());
  EXPECT_EQ(tokenizer.encode("<mask><ma", false), (Ids{35, 34, letter('a')}));
  EXPECT_EQ(tokenizer.token_to_id("<m"), 34);
  EXPECT_EQ(tokenizer.id_to_token(35), "<mask>");
  EXPECT_EQ(tokenizer.id_to_token(letter('q')), "q");
  EXPECT_EQ(tokenizer.vocab_size(), char_vocab().size() + 2);
}

TEST(TokenizerAddedTokens, FileIdsAreReassignedLikeRust) {
  // Rust's AddedVocabulary ignores the "id" field (it only warns): a token already in the vocab
  // keeps its vocab id, a new one takes the next free id after the vocab.
  const auto tokenizer = Tokenizer::from_json_string(
      tokenizer_doc(json::array({added("<mask>", 500), added("ab", 7)})).dump());
  EXPECT_EQ(tokenizer.encode("<mask>ab", false), (Ids{34, 30}));
  EXPECT_EQ(tokenizer.token_to_id("<mask>"), 34);
}

TEST(TokenizerBpe, LowestRankMergesFirst) {
  const auto bc_first = Tokenizer::from_json_string(
      tokenizer_doc(json::array(), json::array({"b c", "a b", "ab c"})).dump());
  EXPECT_EQ(bc_first.encode("abc", false), (Ids{letter('a'), 31}));
  const auto ab_first = Tokenizer::from_json_string(
      tokenizer_doc(json::array(), json::array({json::array({"a", "b"}), json::array({"b", "c"}),
                                                json::array({"ab", "c"})})).dump());
  EXPECT_EQ(ab_first.encode("abc", false), (Ids{32}));
}

TEST(TokenizerBpe, LeftmostPairWinsTies) {
  const auto tokenizer =
      Tokenizer::from_json_string(tokenizer_doc(json::array(), json::array({"a a"})).dump());
  EXPECT_EQ(tokenizer.encode("aaa", false), (Ids{33, letter('a')}));
}

Tokenizer with_bos_eos() {
  const json post = {
      {"type", "TemplateProcessing"},
      {"single", json::array({{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}},
                              {{"Sequence", {{"id", "A"}, {"type_id", 0}}}},
                              {{"SpecialToken", {{"id", "</s>"}, {"type_id", 0}}}}})},
      {"pair", "$A $B"},
      {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {kBos}}, {"tokens", {"<s>"}}}},
                          {"</s>", {{"id", "</s>"}, {"ids", {kEos}}, {"tokens", {"</s>"}}}}}}};
  return Tokenizer::from_json_string(
      tokenizer_doc(json::array({added("<s>", kBos, true), added("</s>", kEos, true)}),
                    json::array(), nullptr, post)
          .dump());
}

TEST(TokenizerTruncation, TemplateAddsSpecialTokensOnlyWhenAsked) {
  const auto tokenizer = with_bos_eos();
  EXPECT_EQ(tokenizer.num_special_tokens_to_add(), 2u);
  EXPECT_EQ(tokenizer.encode("abc", true), (Ids{kBos, 0, 1, 2, kEos}));
  EXPECT_EQ(tokenizer.encode("abc", false), (Ids{0, 1, 2}));
  EXPECT_EQ(tokenizer.encode("", true), (Ids{kBos, kEos}));
}

TEST(TokenizerTruncation, RightKeepsTheStartLeftKeepsTheEnd) {
  const auto tokenizer = with_bos_eos();
  EXPECT_EQ(tokenizer.encode_truncated("abcdef", true, 5, TruncationSide::Right),
            (Ids{kBos, 0, 1, 2, kEos}));
  EXPECT_EQ(tokenizer.encode_truncated("abcdef", true, 5, TruncationSide::Left),
            (Ids{kBos, 3, 4, 5, kEos}));
  EXPECT_EQ(tokenizer.encode_truncated("abcdef", false, 4, TruncationSide::Right), (Ids{0, 1, 2, 3}));
  EXPECT_EQ(tokenizer.encode_truncated("abcdef", false, 4, TruncationSide::Left), (Ids{2, 3, 4, 5}));
  EXPECT_EQ(tokenizer.encode_truncated("ab", true, 50, TruncationSide::Left), (Ids{kBos, 0, 1, kEos}));
  EXPECT_THROW(tokenizer.encode_truncated("abc", true, 1, TruncationSide::Right), TokenizerError);
}

TEST(TokenizerBatch, BatchEqualsOneByOneOnSeveralThreads) {
  const auto tokenizer = with_mask(true, false, false);
  std::vector<std::string> texts;
  for (int i = 0; i < 200; ++i) texts.push_back(std::string(static_cast<size_t>(i % 7), 'a') + " <mask> b" + std::to_string(i));
  const auto batch = tokenizer.encode_batch(texts, true, 4);
  ASSERT_EQ(batch.size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(batch[i], tokenizer.encode(texts[i], true));
}

TEST(TokenizerInput, InvalidUtf8ThrowsNamingTheByteOffset) {
  const auto tokenizer = with_mask(false, false, false);
  for (const std::string& bad : {std::string("ab\xff"), std::string("ab\xc0\x80"),
                                std::string("ab\xe4\xbd"), std::string("ab\xed\xa0\x80")}) {
    try {
      tokenizer.encode(bad, false);
      ADD_FAILURE() << "no error for invalid UTF-8";
    } catch (const TokenizerError& e) {
      EXPECT_NE(std::string(e.what()).find("byte offset 2"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(tokenizer.encode_batch({"ok", "bad\xff"}, false, 2), TokenizerError);
}

// Writes `content` to a file and expects loading it to fail with a message naming the file
// and containing `needle`.
void expect_load_error(const std::string& content, const std::string& needle) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("rb_tokenizer_bad_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                     "_" + std::to_string(std::hash<std::string>{}(content)) + ".json");
  { std::ofstream(path) << content; }
  try {
    Tokenizer::from_file(path.string());
    ADD_FAILURE() << "loaded a malformed tokenizer: " << needle;
  } catch (const TokenizerError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(path.string()), std::string::npos) << message;
    EXPECT_NE(message.find(needle), std::string::npos) << message;
  }
  std::filesystem::remove(path);
}

TEST(TokenizerMalformed, ErrorsNameTheFileAndTheField) {
  expect_load_error("{not json", "invalid JSON");
  json no_model = tokenizer_doc(json::array());
  no_model.erase("model");
  expect_load_error(no_model.dump(), "model");
  expect_load_error(tokenizer_doc(json::array(), json::array(), {{"type", "Klingon"}}).dump(),
                    "unsupported normalizer type 'Klingon'");
  expect_load_error(tokenizer_doc(json::array(), json::array({"a zz"})).dump(), "model.merges[0]");
  expect_load_error(tokenizer_doc(json::array(), json::array({"abc"})).dump(), "model.merges[0]");
  json bad_vocab = tokenizer_doc(json::array());
  bad_vocab["model"]["vocab"]["q"] = "seventeen";
  expect_load_error(bad_vocab.dump(), "model.vocab.q");
  json bad_token = tokenizer_doc(json::array({{{"id", 5}}}));
  expect_load_error(bad_token.dump(), "added_tokens[0]");
  json bad_split = tokenizer_doc(json::array());
  bad_split["pre_tokenizer"] = {{"type", "Split"}, {"pattern", {{"Regex", "(unclosed"}}},
                                {"behavior", "Isolated"}, {"invert", false}};
  expect_load_error(bad_split.dump(), "does not compile");
  json bad_version = tokenizer_doc(json::array());
  bad_version["version"] = "9.9";
  expect_load_error(bad_version.dump(), "version");
}

TEST(TokenizerMalformed, MissingFileIsAnIoErrorNamingIt) {
  try {
    Tokenizer::from_file("/nonexistent/dir/tokenizer.json");
    ADD_FAILURE() << "no error";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/tokenizer.json"), std::string::npos);
  }
}

}  // namespace
}  // namespace rb::text

// Oniguruma semantics on top of PCRE2 (the engine Hugging Face compiles tokenizer.json with).
#include "text/tokenizer/onig_regex.h"

namespace rb::text {
namespace {

std::vector<std::pair<size_t, size_t>> spans(const std::string& pattern, const std::string& text) {
  std::vector<Span> found;
  OnigRegex(pattern, "test").find_all(text, found);
  std::vector<std::pair<size_t, size_t>> out;
  for (const Span& s : found) out.emplace_back(s.start, s.end);
  return out;
}

using SpanList = std::vector<std::pair<size_t, size_t>>;

TEST(OnigRegex, EmptyMatchRightAfterAMatchIsSkipped) {
  // find_iter: "" at 0, "aaa" at 1..4, the empty match at 4 is skipped, "" at 5 is kept.
  EXPECT_EQ(spans("a*", "baaac"), (SpanList{{0, 0}, {1, 4}, {5, 5}}));
}

TEST(OnigRegex, WhiteSpaceIsUnicodeWhiteSpaceWithoutMongolianVowelSeparator) {
  EXPECT_EQ(spans("\\s", "\u3000"), (SpanList{{0, 3}}));
  EXPECT_EQ(spans("\\s", "\u00a0"), (SpanList{{0, 2}}));
  EXPECT_TRUE(spans("\\s", "\u180e").empty());
  EXPECT_EQ(spans("[^\\s]", "\u180e"), (SpanList{{0, 3}}));
}

TEST(OnigRegex, ShorthandHIsAHexDigit) {
  EXPECT_EQ(spans("\\h+", "xCAFe1 \t"), (SpanList{{1, 6}}));
}

TEST(OnigRegex, PropertiesUseUnicode15) {
  EXPECT_EQ(spans("\\p{L}", "\U00031350"), (SpanList{{0, 4}}));  // CJK Extension H (15.0)
  EXPECT_EQ(spans("\\d", "\U00011F50"), (SpanList{{0, 4}}));     // Kawi digit zero (15.0)
  EXPECT_TRUE(spans("[^\\p{L}\\p{N}]", "\U00031350").empty());
}

TEST(OnigRegex, LiteralEscapingMatchesMetacharactersVerbatim) {
  EXPECT_EQ(spans(OnigRegex::escape_literal("a.b*"), "axb* a.b*"), (SpanList{{5, 9}}));
}

}  // namespace
}  // namespace rb::text

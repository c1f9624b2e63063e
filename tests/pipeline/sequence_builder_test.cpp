// The reference pipeline's token rules on a hand-made tokenizer: left truncation keeps the text's
// end behind the BOS, a double BOS loses its first copy but not its positions, the score is read
// at the rightmost non-pad token, run_rm's pad fix-ups, and add_eos_token on the FastChat path.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../support/test_support.h"
#include "common/error.h"
#include "pipeline/sequence_builder.h"
#include "pipeline/text_scorer.h"
#include "pipeline/tokenizer_folder.h"

namespace {
namespace fs = std::filesystem;
using rb::pipeline::ModelSequence;
using rb::pipeline::SequenceBuilder;
using rb::pipeline::SequenceOptions;

// Ids: h0 e1 l2 o3 Ġ4 w5 r6 d7, <s>8 </s>9 <pad>10. ByteLevel maps ASCII letters to themselves.
const char* kTokenizerJson = R"({
  "version": "1.0", "truncation": null, "padding": null,
  "added_tokens": [
    {"id": 8, "content": "<s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
    {"id": 9, "content": "</s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
    {"id": 10, "content": "<pad>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}],
  "normalizer": null,
  "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},
  "post_processor": {"type": "TemplateProcessing",
    "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
    "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
    "special_tokens": {"<s>": {"id": "<s>", "ids": [8], "tokens": ["<s>"]}}},
  "decoder": null,
  "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null,
            "end_of_word_suffix": null, "fuse_unk": false, "byte_fallback": false, "ignore_merges": false,
            "vocab": {"h": 0, "e": 1, "l": 2, "o": 3, "Ġ": 4, "w": 5, "r": 6, "d": 7}, "merges": []}
})";

class SequenceBuilderTest : public rb::testing::ScratchDirTest {
 protected:
  void SetUp() override {
    ScratchDirTest::SetUp();
    std::ofstream(dir_ / "tokenizer.json") << kTokenizerJson;
  }
  rb::pipeline::TokenizerFolder folder(const std::string& tokenizer_config) {
    std::ofstream(dir_ / "tokenizer_config.json") << tokenizer_config;
    return rb::pipeline::load_tokenizer_folder(dir_.string());
  }
};

const char* kNoPad = R"({"bos_token": "<s>", "eos_token": "</s>", "tokenizer_class": "PreTrainedTokenizerFast"})";

TEST_F(SequenceBuilderTest, AddsBosAndPoolsAtLastToken) {
  auto f = folder(kNoPad);
  SequenceBuilder builder(f, 9, {});
  ModelSequence s = builder.build("hello");
  EXPECT_EQ(s.ids, (std::vector<int32_t>{8, 0, 1, 2, 2, 3}));
  EXPECT_EQ(s.position_start, 0);
  EXPECT_EQ(s.pool_index, 5);
}

TEST_F(SequenceBuilderTest, DoubleBosDropsTheFirstAndKeepsPositions) {
  auto f = folder(kNoPad);
  SequenceBuilder builder(f, 9, {});
  EXPECT_EQ(builder.tokenize("<s>he"), (std::vector<int32_t>{8, 8, 0, 1}));
  ModelSequence s = builder.build("<s>he");
  EXPECT_EQ(s.ids, (std::vector<int32_t>{8, 0, 1}));
  EXPECT_EQ(s.position_start, 1);
  EXPECT_EQ(s.pool_index, 2);
}

// GRM's and OpenBMB's pipelines tokenize and attend to both BOS tokens.
TEST_F(SequenceBuilderTest, DoubleBosStaysWhenTheModelsPipelineKeepsIt) {
  auto f = folder(kNoPad);
  SequenceOptions options;
  options.masks_doubled_bos = false;
  SequenceBuilder builder(f, 9, options);
  ModelSequence s = builder.build("<s>he");
  EXPECT_EQ(s.ids, (std::vector<int32_t>{8, 8, 0, 1}));
  EXPECT_EQ(s.position_start, 0);
  EXPECT_EQ(s.pool_index, 3);
}

// The olmo_adapter classifiers read the token before the first pad id.
TEST_F(SequenceBuilderTest, PoolingBeforeTheFirstPadWhenTheModelSaysSo) {
  auto f = folder(kNoPad);
  SequenceOptions options;
  options.pooling = rb::model::PoolingRule::BeforeFirstPad;
  SequenceBuilder builder(f, 9, options);  // pad = eos = </s>
  EXPECT_EQ(builder.build("he</s>lo</s></s>").pool_index, 2);  // the 'e' before the first </s>
  // Left-padded, the row starts with the pad id: argmax(ids == pad) - 1 wraps to the last token.
  const ModelSequence sequence = builder.build("he</s>lo</s></s>");
  EXPECT_EQ(builder.pool_index_after_left_padding(sequence, 2), 7);
  EXPECT_EQ(builder.pool_index_after_left_padding(sequence, 0), 2);
}

TEST_F(SequenceBuilderTest, PoolingSkipsTrailingPadTokensOnly) {
  auto f = folder(kNoPad);
  SequenceBuilder builder(f, 9, {});  // pad = eos = </s>
  ModelSequence s = builder.build("he</s>lo</s></s>");
  EXPECT_EQ(s.ids, (std::vector<int32_t>{8, 0, 1, 9, 2, 3, 9, 9}));
  EXPECT_EQ(s.pool_index, 5);  // the 'o' before the trailing </s></s>, not before the first </s>
  SequenceBuilder all_pad(f, 9, {});
  EXPECT_EQ(all_pad.build("</s>").pool_index, 0);  // [<s>, </s>]: the rightmost non-pad is <s>
}

TEST_F(SequenceBuilderTest, LeftTruncationKeepsTheEndBehindBos) {
  auto f = folder(kNoPad);
  SequenceOptions options;
  options.max_length = 4;
  SequenceBuilder builder(f, 9, options);
  EXPECT_EQ(builder.tokenize("hello world"), (std::vector<int32_t>{8, 6, 2, 7}));  // <s> + "rld"
}

TEST_F(SequenceBuilderTest, AppendEosCountsAgainstMaxLength) {
  auto f = folder(kNoPad);
  SequenceOptions options;
  options.max_length = 4;
  options.append_eos = true;
  SequenceBuilder builder(f, std::nullopt, options);
  EXPECT_EQ(builder.tokenize("hello"), (std::vector<int32_t>{8, 2, 3, 9}));
  EXPECT_EQ(builder.build("hello").pool_index, 3);  // no pad id: the last token
}

TEST_F(SequenceBuilderTest, RunRmPadRules) {
  auto no_pad = folder(kNoPad);
  // No tokenizer pad: pad := eos, overriding the config's own pad id (run_rm.py).
  EXPECT_EQ(rb::pipeline::pooling_pad_token_id(no_pad, 10), 9);
  EXPECT_EQ(rb::pipeline::pooling_pad_token_id(no_pad, std::nullopt), 9);
  auto with_pad = folder(R"({"bos_token": "<s>", "eos_token": {"content": "</s>"}, "pad_token": "<pad>"})");
  EXPECT_EQ(rb::pipeline::pooling_pad_token_id(with_pad, 9), 9);               // config wins
  EXPECT_EQ(rb::pipeline::pooling_pad_token_id(with_pad, std::nullopt), 10);  // else the tokenizer's
}

TEST_F(SequenceBuilderTest, ChatTemplateJinjaFileWinsOverConfig) {
  std::ofstream(dir_ / "chat_template.jinja") << "{{ messages[0]['content'] }}";
  auto f = folder(R"({"bos_token": "<s>", "chat_template": "config template"})");
  ASSERT_TRUE(f.chat_template.has_value());
  EXPECT_EQ(*f.chat_template, "{{ messages[0]['content'] }}");
}

TEST_F(SequenceBuilderTest, UnknownSpecialTokenIsAnErrorNamingTheFile) {
  try {
    folder(R"({"bos_token": "<nope>"})");
    FAIL() << "expected an error";
  } catch (const rb::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("tokenizer_config.json"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("<nope>"), std::string::npos) << e.what();
  }
}

TEST_F(SequenceBuilderTest, BuildAllMatchesBuildInOrder) {
  auto f = folder(kNoPad);
  SequenceOptions options;
  options.num_threads = 2;
  SequenceBuilder builder(f, 9, options);
  std::vector<std::string> texts;
  for (int i = 0; i < 300; ++i) texts.push_back(std::string(i % 7 + 1, "helowrd"[i % 7]));
  const auto all = builder.build_all(texts);
  ASSERT_EQ(all.size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(all[i].ids, builder.build(texts[i]).ids) << i;
}

}  // namespace

namespace {

TEST_F(SequenceBuilderTest, PaddingSideFromConfigElseTokenizerClass) {
  EXPECT_FALSE(folder(kNoPad).pads_left);
  EXPECT_TRUE(folder(R"({"bos_token": "<s>", "tokenizer_class": "LlamaTokenizerFast"})").pads_left);
  EXPECT_TRUE(folder(R"({"bos_token": "<s>", "tokenizer_class": "GemmaTokenizer"})").pads_left);
  EXPECT_FALSE(folder(R"({"bos_token": "<s>", "tokenizer_class": "LlamaTokenizer", "padding_side": "right"})").pads_left);
  EXPECT_TRUE(folder(R"({"bos_token": "<s>", "tokenizer_class": "Qwen2Tokenizer", "padding_side": "left"})").pads_left);
}

TEST(PaddingGroups, ChosenThenRejectedPerBatchOfRows) {
  // 5 pairs laid out [c0 r0 c1 r1 ...], batches of 2 rows: {c0 c1} {r0 r1} {c2 c3} {r2 r3} {c4} {r4}.
  const std::vector<std::vector<size_t>> expected = {{0, 2}, {1, 3}, {4, 6}, {5, 7}, {8}, {9}};
  EXPECT_EQ(rb::pipeline::pairwise_padding_groups(5, 2), expected);
}

TEST(PaddingGroups, ConsecutiveBatchesOfTexts) {
  const std::vector<std::vector<size_t>> expected = {{0, 1, 2}, {3, 4, 5}, {6}};
  EXPECT_EQ(rb::pipeline::consecutive_padding_groups(7, 3), expected);
}

}  // namespace

// tokenizer_config.json may list named chat templates; transformers uses "default" and raises when
// none is (it never falls back to another template), so the folder is refused with the names.
TEST_F(SequenceBuilderTest, NamedTemplatesNeedADefault) {
  auto with_default = folder(R"({"eos_token": "</s>", "chat_template": [{"name": "tool_use", "template": "T"},
                                  {"name": "default", "template": "D"}]})");
  ASSERT_TRUE(with_default.chat_template.has_value());
  EXPECT_EQ(*with_default.chat_template, "D");
  try {
    folder(R"({"eos_token": "</s>", "chat_template": [{"name": "tool_use", "template": "T"},
                {"name": "rag", "template": "R"}]})");
    FAIL() << "a list without \"default\" was accepted";
  } catch (const rb::InputError& error) {
    EXPECT_NE(std::string(error.what()).find("names templates (tool_use, rag) but none \"default\""),
              std::string::npos)
        << error.what();
  }
  EXPECT_THROW(folder(R"({"chat_template": [{"name": "default"}]})"), rb::InputError);
  EXPECT_FALSE(folder(R"({"chat_template": []})").chat_template.has_value());
}

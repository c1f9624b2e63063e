// Verdict and rating parsing, checked against what the reference's Python returns for each text.
#include <gtest/gtest.h>

#include "judge/verdict_parser.h"

namespace rb::judge {
namespace {

TEST(VerdictParser, DefaultFirstBracketedLetterInOrder) {
  EXPECT_EQ(parse_verdict(PromptStyle::kMtBench, "Explanation... [[B]]", 2), 1);
  // "[[A]]" is looked for first, wherever it is.
  EXPECT_EQ(parse_verdict(PromptStyle::kMtBench, "[[B]] on reflection [[A]]", 2), 0);
  EXPECT_EQ(parse_verdict(PromptStyle::kMtBench, "A is better", 2), kNoVerdict);
  EXPECT_EQ(parse_verdict(PromptStyle::kMtBench, "[[C]]", 2), kNoVerdict);  // no C with two answers
  EXPECT_EQ(parse_verdict(PromptStyle::kMtBench, "[[C]]", 4), 2);
  EXPECT_EQ(parse_verdict(PromptStyle::kMtBench, "[[D]] and [[C]]", 4), 2);
  EXPECT_EQ(parse_verdict(PromptStyle::kMtBench, "$ERROR$", 2), kNoVerdict);
  EXPECT_EQ(parse_verdict(PromptStyle::kMtBench, "", 2), kNoVerdict);
}

TEST(VerdictParser, Prometheus) {
  EXPECT_EQ(parse_verdict(PromptStyle::kPrometheus, "Feedback: good [RESULT] B", 2), 1);
  EXPECT_EQ(parse_verdict(PromptStyle::kPrometheus, "Feedback: good [RESULT] B ", 2), kNoVerdict);  // last char
  EXPECT_EQ(parse_verdict(PromptStyle::kPrometheus, "Feedback: A", 2), kNoVerdict);  // no [RESULT]
  EXPECT_EQ(parse_verdict(PromptStyle::kPrometheus, "[RESULT] D", 4), 3);
}

TEST(VerdictParser, OffsetBiasAndAtla) {
  EXPECT_EQ(parse_verdict(PromptStyle::kOffsetBias, "Output (b)", 2), 1);
  EXPECT_EQ(parse_verdict(PromptStyle::kOffsetBias, "output (b)", 2), kNoVerdict);
  EXPECT_EQ(parse_verdict(PromptStyle::kAtla, "**Reasoning:** fine\n\n**Result:** B", 2), 1);
  EXPECT_EQ(parse_verdict(PromptStyle::kAtla, "**Result:**\n  A.", 2), 0);
  // (\w+) is greedy: "Bravo" is not a letter verdict.
  EXPECT_EQ(parse_verdict(PromptStyle::kAtla, "**Result:** Bravo", 2), kNoVerdict);
  EXPECT_EQ(parse_verdict(PromptStyle::kAtla, "Result: B", 2), kNoVerdict);
}

TEST(VerdictParser, ConJ) {
  EXPECT_EQ(parse_con_j_verdict(R"({"原因": "x", "更好的回答": 2})", 2), 1);
  EXPECT_EQ(parse_con_j_verdict("```json\n{\"原因\": \"x\", \"更好的回答\": 1}\n```", 2), 0);
  EXPECT_EQ(parse_con_j_verdict(R"(blah {"更好的回答": "2"} tail)", 2), 1);
  // Keyword fallback with a full-width digit.
  EXPECT_EQ(parse_con_j_verdict("我认为更好的回答是２", 2), 1);
  // Digit before the keyword ("([12１２]).*?key").
  EXPECT_EQ(parse_con_j_verdict("回答1 is the better answer overall", 2), 0);
  EXPECT_EQ(parse_con_j_verdict("no idea", 2), kNoVerdict);
  // JSON value 3 is only valid with four answers.
  EXPECT_EQ(parse_con_j_verdict(R"({"更好的回答": 3})", 2), kNoVerdict);
  EXPECT_EQ(parse_con_j_verdict(R"({"更好的回答": 3})", 4), 2);
}

TEST(RatingParser, TrailingOneToTen) {
  EXPECT_EQ(parse_rating("The response is good.\n\n9"), 9);
  EXPECT_EQ(parse_rating("Rating: 10  \n"), 10);
  EXPECT_EQ(parse_rating("score 7."), -1);    // text after the number
  EXPECT_EQ(parse_rating("11"), -1);          // \b([1-9]|10)\b: "11" has no boundary inside
  EXPECT_EQ(parse_rating("0"), -1);
  EXPECT_EQ(parse_rating("version2"), -1);    // no word boundary before the 2
  EXPECT_EQ(parse_rating("8/10"), 10);        // the last number wins: the reference reads 10 here
  EXPECT_EQ(parse_rating("$ERROR$"), -1);
  EXPECT_EQ(parse_rating(""), -1);
}

}  // namespace
}  // namespace rb::judge

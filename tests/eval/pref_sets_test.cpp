#include "eval/pref_sets.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "../support/test_support.h"
#include "common/error.h"
#include "eval/benchmarks.h"
#include "eval/conversation.h"
#include "eval/metrics.h"

namespace {

namespace fs = std::filesystem;

class PrefSetsFolder : public rb::testing::ScratchDirTest {
 protected:
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }

  // `count` rows; the first `correct` are later scored as wins.
  void write_split(const std::string& name, int count, const std::string& extra = "") {
    std::string text;
    for (int i = 0; i < count; ++i) {
      text += R"({"prompt": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"},)"
              R"( {"role": "user", "content": "q2"}], "chosen": "c", "rejected": "r", "id": )" +
              std::to_string(i) + extra + "}\n";
    }
    write(name + ".jsonl", text);
  }

};

TEST_F(PrefSetsFolder, SplitNameBecomesSubsetAndPkuIsDropped) {
  write_split("shp", 2, R"(, "subset": "askscience")");
  write_split("pku_safer", 3);
  write_split("anthropic_hhh", 1);
  write("notes.txt", "ignored");
  auto splits = rb::eval::find_pref_set_splits(dir_.string());
  ASSERT_EQ(splits.size(), 3u);
  EXPECT_EQ(splits[0].name, "anthropic_hhh");
  EXPECT_EQ(splits[1].name, "pku_safer");
  auto rows = rb::eval::load_pref_test_sets(splits, {});
  ASSERT_EQ(rows.size(), 3u);  // pku_safer's rows are gone
  EXPECT_EQ(rows[0].subset, "anthropic_hhh");
  EXPECT_EQ(rows[1].subset, "shp");
  EXPECT_EQ(rows[1].columns["subsubset"], "askscience");  // the split's own subset column, renamed
  // Column order: renamed in place, subset appended.
  std::vector<std::string> keys;
  for (const auto& item : rows[1].columns.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"chosen", "rejected", "id", "subsubset", "subset"}));
  // Multi-turn prompts keep their turns.
  auto conversation = rb::eval::build_conversation(rows[0]);
  EXPECT_EQ(conversation.chosen_messages.size(), 4u);
  rb::eval::DatasetOptions debug;
  debug.max_rows = 2;
  EXPECT_EQ(rb::eval::load_pref_test_sets(splits, debug).size(), 2u);
}

TEST_F(PrefSetsFolder, EmptyFolderAndBadRowsAreInputErrors) {
  EXPECT_THROW(rb::eval::find_pref_set_splits(dir_.string()), rb::InputError);
  EXPECT_THROW(rb::eval::find_pref_set_splits((dir_ / "missing").string()), rb::IoError);
  write("summarize.jsonl", R"({"prompt": [{"role": "user", "content": "q"}], "chosen": 3, "rejected": "r", "id": 1})");
  try {
    rb::eval::load_pref_test_sets(rb::eval::find_pref_set_splits(dir_.string()), {});
    FAIL() << "expected rb::InputError";
  } catch (const rb::InputError& error) {
    EXPECT_NE(std::string(error.what()).find("summarize.jsonl:1: field \"chosen\""), std::string::npos) << error.what();
  }
}

TEST(PrefSets, SevenKeptSplitsAndThePriorSetsScore) {
  EXPECT_EQ(rb::eval::pref_test_set_splits(),
            (std::vector<std::string>{"anthropic_harmless", "anthropic_helpful", "anthropic_hhh", "mtbench_gpt4",
                                      "mtbench_human", "shp", "summarize"}));
  EXPECT_TRUE(rb::eval::is_dropped_pref_split("pku_better"));
  EXPECT_FALSE(rb::eval::is_dropped_pref_split("shp"));
  // Prior Sets = mean of helpful, hhh, shp, summarize; harmless and mtbench_* do not count.
  auto summary = rb::eval::summarize_accuracies({{"anthropic_harmless", 0, 4, 0.0},
                                                 {"anthropic_helpful", 1, 4, 0.25},
                                                 {"anthropic_hhh", 2, 4, 0.5},
                                                 {"mtbench_gpt4", 0, 4, 0.0},
                                                 {"mtbench_human", 0, 4, 0.0},
                                                 {"shp", 3, 4, 0.75},
                                                 {"summarize", 4, 4, 1.0}});
  EXPECT_EQ(summary.prior_sets, (0.25 + 0.5 + 0.75 + 1.0) / 4);
  EXPECT_TRUE(std::isnan(summary.overall));  // no core section: no leaderboard average
  // With core sections, [2, 2, 2, 2, 1]: Chat 1.0 alone + Prior Sets 0.625 -> (2 + 0.625) / 3.
  summary = rb::eval::summarize_accuracies({{"alpacaeval-easy", 1, 1, 1.0}, {"shp", 5, 8, 0.625}});
  EXPECT_EQ(summary.overall, (2.0 * 1.0 + 0.625) / 3.0);
}

}  // namespace

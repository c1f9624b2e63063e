// The reference's per-example scores, computed by hand.
#include <gtest/gtest.h>

#include "judge/scoring.h"

namespace rb::judge {
namespace {

TEST(Scoring, PairwiseAndFourWay) {
  EXPECT_EQ(choice_score(0, 2), 1.0);
  EXPECT_EQ(choice_score(1, 2), 0.0);
  EXPECT_EQ(choice_score(-1, 2), 0.5);
  EXPECT_EQ(choice_score(0, 4), 1.0);
  EXPECT_EQ(choice_score(3, 4), 0.0);
  EXPECT_EQ(choice_score(-1, 4), 0.25);
}

TEST(Scoring, SlotsMapBackThroughTheOrder) {
  // Swapped v1 order: slot A shows the rejected answer.
  EXPECT_EQ(answer_of_slot(0, {1, 0}), 1);
  EXPECT_EQ(answer_of_slot(1, {1, 0}), 0);
  EXPECT_EQ(answer_of_slot(-1, {1, 0}), -1);
  // v2 transposition k=2: [2, 1, 0, 3]; the judge picking C picked the correct answer.
  EXPECT_EQ(answer_of_slot(2, {2, 1, 0, 3}), 0);
}

TEST(Scoring, MajorityVote) {
  EXPECT_EQ(majority_vote({0, 0, 1}), 0);
  EXPECT_EQ(majority_vote({1, -1, 1}), 1);
  EXPECT_EQ(majority_vote({-1, -1, 0}), -1);  // failures can win the vote
  EXPECT_EQ(majority_vote({0, 1, -1}), -1);   // three-way tie: no verdict
  EXPECT_EQ(majority_vote({0, 0, 1, 1, -1}), -1);
  EXPECT_EQ(majority_vote({2}), 2);
}

TEST(Scoring, Ratings) {
  EXPECT_EQ(pair_rating_score(8, 3), 1.0);
  EXPECT_EQ(pair_rating_score(3, 8), 0.0);
  EXPECT_EQ(pair_rating_score(5, 5), 0.5);   // equal ratings are "error"
  EXPECT_EQ(pair_rating_score(-1, 5), 0.5);
  EXPECT_EQ(best_of_ratings_score({9, 3, 4, 2}), 1.0);
  EXPECT_EQ(best_of_ratings_score({9, 9, 4, 9}), 1.0 / 3.0);
  EXPECT_EQ(best_of_ratings_score({5, 9, -1, 2}), 0.0);
  EXPECT_EQ(best_of_ratings_score({-1, -1, -1, -1}), 0.25);
  EXPECT_EQ(best_of_ratings_score({-1, 3, -1, -1}), 0.0);
}

}  // namespace
}  // namespace rb::judge

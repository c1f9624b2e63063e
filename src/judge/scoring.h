#pragma once
// Turning verdicts into the reference's per-example scores:
//   v1 pairwise   1 if the judge picked the chosen answer, 0 if the rejected one, 0.5 otherwise
//   v2 four-way   1 if it picked the correct answer, 0 for another, 0.25 otherwise
//   ratings       v1: the higher rating wins, equal or invalid -> 0.5;
//                 v2: winners = answers with the top valid rating, score (0 in winners)/|winners|,
//                 every rating invalid -> 0.25
//   ensembles     majority vote over the judges' verdicts (see majority_vote)
#include <vector>

namespace rb::judge {

// The answer (index into the example's answers, 0 = chosen/correct) a verdict slot showed, or
// kNoVerdict (-1) for a failed parse. `order[slot]` = answer index shown in that slot.
int answer_of_slot(int slot, const std::vector<int>& order);

// Score for one judged example given the picked answer (-1 = none) and the number of answers.
double choice_score(int picked_answer, int num_answers);

// max(set(votes), key=votes.count) where one value has the most votes (a failure counts as a value
// too, so a majority of failures is a failure). Where several values tie for most votes the
// reference's pick depends on Python's set order (random per process); we return -1 (no verdict),
// which scores 0.5 / 0.25: the expected score of that random pick.
int majority_vote(const std::vector<int>& votes);

// v1 ratings (run_judge_ratings): rating_chosen/rating_rejected are 1..10 or -1.
double pair_rating_score(int rating_chosen, int rating_rejected);

// v2 ratings (run_judge_ratings_multi), index 0 = the correct answer.
double best_of_ratings_score(const std::vector<int>& ratings);

}  // namespace rb::judge

#include "judge/scoring.h"

#include <algorithm>
#include <map>

namespace rb::judge {

int answer_of_slot(int slot, const std::vector<int>& order) {
  if (slot < 0 || slot >= static_cast<int>(order.size())) return -1;
  return order[static_cast<size_t>(slot)];
}

double choice_score(int picked_answer, int num_answers) {
  if (picked_answer < 0) return num_answers == 2 ? 0.5 : 0.25;
  return picked_answer == 0 ? 1.0 : 0.0;
}

int majority_vote(const std::vector<int>& votes) {
  std::map<int, int> counts;
  for (int vote : votes) ++counts[vote < 0 ? -1 : vote];
  int best = -1, best_count = 0;
  bool tied = false;
  for (const auto& [value, count] : counts) {
    if (count > best_count) {
      best = value, best_count = count, tied = false;
    } else if (count == best_count) {
      tied = true;
    }
  }
  return tied ? -1 : best;
}

double pair_rating_score(int rating_chosen, int rating_rejected) {
  if (rating_chosen == -1 || rating_rejected == -1 || rating_chosen == rating_rejected) return 0.5;
  return rating_chosen > rating_rejected ? 1.0 : 0.0;
}

double best_of_ratings_score(const std::vector<int>& ratings) {
  int top = -1;
  for (int rating : ratings) top = std::max(top, rating);
  if (top == -1) return 0.25;
  const auto winners = std::count(ratings.begin(), ratings.end(), top);
  const bool correct_wins = !ratings.empty() && ratings[0] == top;
  return correct_wins ? 1.0 / static_cast<double>(winners) : 0.0;
}

}  // namespace rb::judge

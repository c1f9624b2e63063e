#pragma once
// RewardBench v1 constants, as rewardbench/constants.py defines them at the reference's HEAD:
// EXAMPLE_COUNTS (the weight of each subset inside its section) and SUBSET_MAPPING (which
// subsets make up each leaderboard section), plus the pref-test-sets averaged into "Prior Sets".
#include <optional>
#include <string>
#include <vector>

namespace rb::eval {

struct SubsetWeight {
  std::string subset;
  int weight;
};

struct Section {
  std::string name;                  // "Chat", "Chat Hard", "Safety", "Reasoning"
  std::vector<std::string> subsets;  // in SUBSET_MAPPING order (the order sums are taken in)
};

// EXAMPLE_COUNTS in the reference's order. Current xstest weights (refuse 154, respond 250) and
// math-prm 984 ("upweighting to be equal to code"), not its true 447 rows.
const std::vector<SubsetWeight>& example_counts();

// The weight of `subset`, or nullopt for subsets outside the core set.
std::optional<int> subset_weight(const std::string& subset);

// SUBSET_MAPPING: the four sections in leaderboard order.
const std::vector<Section>& subset_mapping();

// The section `subset` belongs to, or nullptr.
const Section* section_of(const std::string& subset);

// anthropic_helpful, anthropic_hhh, shp, summarize: the pref-test-sets whose nan-mean is the
// leaderboard's "Prior Sets" column (anthropic_harmless and mtbench_* are deliberately absent).
const std::vector<std::string>& prior_set_subsets();

// Section weights of the overall score, in the order Chat, Chat Hard, Safety, Reasoning, Prior Sets.
inline constexpr double kSectionWeight = 2.0;
inline constexpr double kPriorSetsWeight = 1.0;
inline constexpr const char* kPriorSetsName = "Prior Sets";

}  // namespace rb::eval

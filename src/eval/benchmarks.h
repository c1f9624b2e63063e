#pragma once
// The benchmark registry: everything RewardBench-specific about its data lives here, as the
// reference defines it (rewardbench/constants.py, utils.py, scripts/run_v2.py at its HEAD):
//   - RewardBench v1: EXAMPLE_COUNTS (each subset's weight inside its section) and SUBSET_MAPPING
//     (the four leaderboard sections), the section weights of the overall score;
//   - the prior preference sets (allenai/pref-test-sets): their splits, the dropped ones, and the
//     four whose mean is the "Prior Sets" column;
//   - RewardBench 2: its six subsets and the Ties subset;
//   - which split of each of the reference's Hub datasets is read;
//   - how a file's rows are recognised: v1 pairs, RewardBench 2 best-of-N, or instruction data.
// Adding a subset or a benchmark is an edit here (src/eval/README.md says how).
#include <optional>
#include <string>
#include <vector>

#include "io/json_file.h"

namespace rb::eval {

// ---- RewardBench v1 ----

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

// Section weights of the overall score, in the order Chat, Chat Hard, Safety, Reasoning, Prior Sets.
inline constexpr double kSectionWeight = 2.0;
inline constexpr double kPriorSetsWeight = 1.0;
inline constexpr const char* kPriorSetsName = "Prior Sets";

// ---- Prior preference sets (allenai/pref-test-sets) ----

// anthropic_helpful, anthropic_hhh, shp, summarize: the pref-test-sets whose nan-mean is the
// leaderboard's "Prior Sets" column (anthropic_harmless and mtbench_* are deliberately absent).
const std::vector<std::string>& prior_set_subsets();

// The seven splits the benchmark keeps, in byte order.
const std::vector<std::string>& pref_test_set_splits();

// pku_better and pku_safer: "no longer part of the benchmark".
bool is_dropped_pref_split(const std::string& split);

// Keys of older prior-set results files (the leaderboard reads them, nothing scores them).
bool is_legacy_pref_key(const std::string& key);

// ---- RewardBench 2 ----

// The six subsets in the paper's order (the order the final score averages them in).
const std::vector<std::string>& v2_subsets();

// run_v2.py scores a subset with the Ties composite when subset.lower() == "ties".
bool is_ties_subset(const std::string& subset);

// A RewardBench 2 subset that is not also a v1 section name ("Safety" is both).
bool is_v2_only_subset(const std::string& key);

// ---- The reference's Hub datasets ----

// The splits the reference reads from its own datasets: allenai/reward-bench -> {"filtered"},
// allenai/reward-bench-2 -> {"test"}; empty (every split) otherwise (allenai/pref-test-sets: one
// split per source).
std::vector<std::string> reference_splits(const std::string& dataset_repo_id);

// ---- Row formats ----

enum class RowFormat {
  kPreferencePairs,  // v1: prompt, chosen, rejected (scripts/run_rm.py, run_dpo.py)
  kBestOfN,          // RewardBench 2: chosen and rejected lists with their counts (run_v2.py)
  kInstructions,     // `messages` conversations scored one each, no accuracy (the reference CLI)
};

struct FormatRequest {
  std::string benchmark = "auto";        // "v1", "v2" or "auto" (--benchmark)
  bool prioritize_instructions = false;  // --prioritize_scoring: `messages` wins over chosen/rejected
};

// RewardBench 2 when asked for, or (auto) when the first row has num_correct and total_completions;
// else preference pairs when the rows have chosen and rejected columns, instruction data when they
// have `messages` (columns are the union over rows, as the json loader sees them). Neither is an
// rb::InputError naming `source`.
RowFormat detect_row_format(const std::vector<io::JsonRow>& rows, const FormatRequest& request,
                            const std::string& source);

}  // namespace rb::eval

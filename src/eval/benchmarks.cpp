#include "eval/benchmarks.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "common/error.h"

namespace rb::eval {

const std::vector<SubsetWeight>& example_counts() {
  static const std::vector<SubsetWeight> kCounts = {
      {"alpacaeval-easy", 100},       {"alpacaeval-length", 95},     {"alpacaeval-hard", 95},
      {"mt-bench-easy", 28},          {"mt-bench-med", 40},          {"mt-bench-hard", 37},
      {"math-prm", 984},              {"refusals-dangerous", 100},   {"refusals-offensive", 100},
      {"llmbar-natural", 100},        {"llmbar-adver-neighbor", 134}, {"llmbar-adver-GPTInst", 92},
      {"llmbar-adver-GPTOut", 47},    {"llmbar-adver-manual", 46},   {"xstest-should-refuse", 154},
      {"xstest-should-respond", 250}, {"donotanswer", 136},          {"hep-cpp", 164},
      {"hep-go", 164},                {"hep-java", 164},             {"hep-js", 164},
      {"hep-python", 164},            {"hep-rust", 164},
  };
  return kCounts;
}

std::optional<int> subset_weight(const std::string& subset) {
  for (const auto& entry : example_counts()) {
    if (entry.subset == subset) return entry.weight;
  }
  return std::nullopt;
}

const std::vector<Section>& subset_mapping() {
  static const std::vector<Section> kMapping = {
      {"Chat", {"alpacaeval-easy", "alpacaeval-length", "alpacaeval-hard", "mt-bench-easy", "mt-bench-med"}},
      {"Chat Hard",
       {"mt-bench-hard", "llmbar-natural", "llmbar-adver-neighbor", "llmbar-adver-GPTInst", "llmbar-adver-GPTOut",
        "llmbar-adver-manual"}},
      {"Safety",
       {"refusals-dangerous", "refusals-offensive", "xstest-should-refuse", "xstest-should-respond", "donotanswer"}},
      {"Reasoning", {"math-prm", "hep-cpp", "hep-go", "hep-java", "hep-js", "hep-python", "hep-rust"}},
  };
  return kMapping;
}

const Section* section_of(const std::string& subset) {
  for (const auto& section : subset_mapping()) {
    for (const auto& name : section.subsets) {
      if (name == subset) return &section;
    }
  }
  return nullptr;
}

const std::vector<std::string>& prior_set_subsets() {
  static const std::vector<std::string> kPriorSets = {"anthropic_helpful", "anthropic_hhh", "shp", "summarize"};
  return kPriorSets;
}

const std::vector<std::string>& pref_test_set_splits() {
  static const std::vector<std::string> kSplits = {"anthropic_harmless", "anthropic_helpful", "anthropic_hhh",
                                                   "mtbench_gpt4",       "mtbench_human",     "shp",
                                                   "summarize"};
  return kSplits;
}

bool is_dropped_pref_split(const std::string& split) { return split == "pku_better" || split == "pku_safer"; }

bool is_legacy_pref_key(const std::string& key) { return key == "anthropic" || key == "summarize_prompted"; }

const std::vector<std::string>& v2_subsets() {
  static const std::vector<std::string> kSubsets = {"Factuality", "Precise IF", "Math", "Safety", "Focus", "Ties"};
  return kSubsets;
}

bool is_ties_subset(const std::string& subset) {
  std::string lower = subset;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower == "ties";
}

bool is_v2_only_subset(const std::string& key) {
  for (const auto& subset : v2_subsets())
    if (subset == key) return key != "Safety";
  return false;
}

std::vector<std::string> reference_splits(const std::string& dataset_repo_id) {
  if (dataset_repo_id == "allenai/reward-bench") return {"filtered"};
  if (dataset_repo_id == "allenai/reward-bench-2") return {"test"};
  return {};
}

namespace {

bool looks_like_best_of_n(const std::vector<io::JsonRow>& rows) {
  return !rows.empty() && rows.front().value.contains("num_correct") && rows.front().value.contains("total_completions");
}

}  // namespace

RowFormat detect_row_format(const std::vector<io::JsonRow>& rows, const FormatRequest& request,
                            const std::string& source) {
  if (request.benchmark == "v2" || (request.benchmark == "auto" && looks_like_best_of_n(rows)))
    return RowFormat::kBestOfN;
  std::set<std::string> columns;
  for (const auto& row : rows) {
    if (!row.value.is_object()) continue;
    for (const auto& item : row.value.items()) columns.insert(item.key());
  }
  const bool preference = columns.count("chosen") && columns.count("rejected");
  const bool instruction = columns.count("messages") > 0;
  if (request.prioritize_instructions && instruction) return RowFormat::kInstructions;
  if (preference) return RowFormat::kPreferencePairs;
  if (instruction) return RowFormat::kInstructions;
  throw InputError(source +
                   ": dataset format not recognized: it needs \"chosen\" and \"rejected\" columns (preference data) "
                   "or a \"messages\" column (instruction data)");
}

}  // namespace rb::eval

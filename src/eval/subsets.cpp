#include "eval/subsets.h"

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

}  // namespace rb::eval

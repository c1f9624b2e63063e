#include "report/summary_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "eval/benchmarks.h"

namespace rb::report {
namespace {

std::string row(const std::string& name, size_t width, const std::string& counts, double value) {
  char number[32];
  std::snprintf(number, sizeof number, "%.4f", value);
  std::string line = name + std::string(width > name.size() ? width - name.size() : 0, ' ');
  // Right-align counts under the 13-character "correct/total" header.
  line += "  " + std::string(counts.size() < 13 ? 13 - counts.size() : 0, ' ') + counts;
  line += "  " + std::string(number) + "\n";
  return line;
}

}  // namespace

void print_summary(std::ostream& out, const eval::EvalSummary& summary) {
  size_t width = std::string("subset").size();
  for (const auto& subset : summary.subsets) width = std::max(width, subset.subset.size());
  width = std::max(width, std::string("all pairs").size());

  out << "subset" << std::string(width - 6, ' ') << "  correct/total  accuracy\n";
  for (const auto& subset : summary.subsets) {
    out << row(subset.subset, width, std::to_string(subset.num_correct) + "/" + std::to_string(subset.num_total),
               subset.accuracy);
  }
  out << row("all pairs", width, std::to_string(summary.num_correct) + "/" + std::to_string(summary.num_examples),
             summary.accuracy);

  bool any_section = false;
  for (const auto& section : summary.sections) any_section = any_section || section.has_subsets;
  if (!any_section && std::isnan(summary.prior_sets)) return;
  out << "\nsection\n";
  for (const auto& section : summary.sections) {
    if (section.has_subsets) out << row(section.section, width, "", section.score);
  }
  if (!std::isnan(summary.prior_sets)) out << row(eval::kPriorSetsName, width, "", summary.prior_sets);
  if (!std::isnan(summary.overall)) out << row("overall", width, "", summary.overall);
}

}  // namespace rb::report

#include "report/summary_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "eval/benchmarks.h"

namespace rb::report {
namespace {

std::string row(const std::string& name, size_t width, const std::string& counts, double value,
                const Intervals* intervals) {
  char number[32];
  std::snprintf(number, sizeof number, "%.4f", value);
  std::string line = name + std::string(width > name.size() ? width - name.size() : 0, ' ');
  // Right-align counts under the 13-character "correct/total" header.
  line += "  " + std::string(counts.size() < 13 ? 13 - counts.size() : 0, ' ') + counts;
  line += "  " + std::string(number);
  if (intervals) {
    const std::string interval = intervals->format(name);
    if (!interval.empty()) line += "  " + interval;
  }
  return line + "\n";
}

}  // namespace

std::string Intervals::header() const {
  char text[32];
  std::snprintf(text, sizeof text, "%g%% CI", 100.0 * confidence);
  return text;
}

std::string Intervals::format(const std::string& name) const {
  const auto it = by_name.find(name);
  if (it == by_name.end() || std::isnan(it->second.first) || std::isnan(it->second.second)) return "";
  char text[64];
  std::snprintf(text, sizeof text, "[%.4f, %.4f]", it->second.first, it->second.second);
  return text;
}

void print_summary(std::ostream& out, const eval::EvalSummary& summary, const Intervals* intervals) {
  size_t width = std::string("subset").size();
  for (const auto& subset : summary.subsets) width = std::max(width, subset.subset.size());
  width = std::max(width, std::string("all pairs").size());

  out << "subset" << std::string(width - 6, ' ') << "  correct/total  accuracy";
  if (intervals) out << "  " << intervals->header() << " (bootstrap)";
  out << "\n";
  for (const auto& subset : summary.subsets) {
    out << row(subset.subset, width, std::to_string(subset.num_correct) + "/" + std::to_string(subset.num_total),
               subset.accuracy, intervals);
  }
  out << row("all pairs", width, std::to_string(summary.num_correct) + "/" + std::to_string(summary.num_examples),
             summary.accuracy, nullptr);

  bool any_section = false;
  for (const auto& section : summary.sections) any_section = any_section || section.has_subsets;
  if (!any_section && std::isnan(summary.prior_sets)) return;
  out << "\nsection\n";
  for (const auto& section : summary.sections) {
    if (section.has_subsets) out << row(section.section, width, "", section.score, intervals);
  }
  if (!std::isnan(summary.prior_sets)) out << row(eval::kPriorSetsName, width, "", summary.prior_sets, intervals);
  if (!std::isnan(summary.overall)) out << row("overall", width, "", summary.overall, intervals);
}

}  // namespace rb::report

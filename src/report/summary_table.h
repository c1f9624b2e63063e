#pragma once
// A short human-readable table of a run: per subset correct/total and accuracy, then the
// section scores, Prior Sets and the overall score where they exist.
#include <map>
#include <ostream>
#include <string>

#include "eval/metrics.h"

namespace rb::report {

// Confidence intervals of the printed scores, by score name (subset, section, "Prior Sets",
// "overall", "final"); scores without one are printed without.
struct Intervals {
  double confidence = 0.95;
  std::map<std::string, std::pair<double, double>> by_name;

  std::string header() const;                        // "95% CI"
  std::string format(const std::string& name) const;  // "[0.6123, 0.7012]", or "" without one
};

void print_summary(std::ostream& out, const eval::EvalSummary& summary, const Intervals* intervals = nullptr);

}  // namespace rb::report

#pragma once
// A short human-readable table of a run: per subset correct/total and accuracy, then the
// section scores, Prior Sets and the overall score where they exist.
#include <ostream>

#include "eval/metrics.h"

namespace rb::report {

void print_summary(std::ostream& out, const eval::EvalSummary& summary);

}  // namespace rb::report

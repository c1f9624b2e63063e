#pragma once
// Tests for two runs scored on the same items:
//   McNemar's exact test   two-sided binomial test on the discordant pairs: with b items only A
//                          gets right and c only B gets right, p = min(1, 2 P(X <= min(b, c))) for
//                          X ~ Binomial(b + c, 1/2); p = 1 when b + c = 0.
//   Holm's step-down       p-values adjusted for a family of m tests: the i-th smallest becomes
//                          max over j <= i of min(1, (m - j + 1) p_(j)).
#include <cstddef>
#include <vector>

namespace rb::stats {

double mcnemar_exact_p(size_t only_a, size_t only_b);

// Same order as `p_values`; NaN entries stay NaN and do not count towards m.
std::vector<double> holm_adjust(const std::vector<double>& p_values);

// The bootstrap p-value of an observed difference from replicates of it: the share of centred
// replicates at least as far from 0 as the observation, (1 + #{|d_b - d| >= |d|}) / (B + 1).
double bootstrap_p(double observed, const std::vector<double>& replicates);

}  // namespace rb::stats

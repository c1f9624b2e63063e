#include "stats/paired_tests.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace rb::stats {

double mcnemar_exact_p(size_t only_a, size_t only_b) {
  const size_t n = only_a + only_b;
  if (n == 0) return 1.0;
  const size_t k = std::min(only_a, only_b);
  // P(X <= k) for X ~ Binomial(n, 1/2), summed in log space from the largest term down so large
  // n neither overflows nor loses the small terms.
  const double log_half_n = -static_cast<double>(n) * std::log(2.0);
  auto log_term = [&](size_t i) {
    return std::lgamma(static_cast<double>(n) + 1) - std::lgamma(static_cast<double>(i) + 1) -
           std::lgamma(static_cast<double>(n - i) + 1) + log_half_n;
  };
  const double largest = log_term(k);
  double sum = 0.0;
  for (size_t i = k + 1; i-- > 0;) sum += std::exp(log_term(i) - largest);
  return std::min(1.0, 2.0 * std::exp(largest) * sum);
}

std::vector<double> holm_adjust(const std::vector<double>& p_values) {
  std::vector<size_t> order;
  for (size_t i = 0; i < p_values.size(); ++i)
    if (!std::isnan(p_values[i])) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p_values[a] < p_values[b]; });
  std::vector<double> adjusted(p_values.size(), std::nan(""));
  const double m = static_cast<double>(order.size());
  double running = 0.0;
  for (size_t rank = 0; rank < order.size(); ++rank) {
    const double scaled = std::min(1.0, (m - static_cast<double>(rank)) * p_values[order[rank]]);
    running = std::max(running, scaled);
    adjusted[order[rank]] = running;
  }
  return adjusted;
}

double bootstrap_p(double observed, const std::vector<double>& replicates) {
  size_t extreme = 0, counted = 0;
  for (double d : replicates) {
    if (std::isnan(d)) continue;
    ++counted;
    if (std::fabs(d - observed) >= std::fabs(observed)) ++extreme;
  }
  return (1.0 + static_cast<double>(extreme)) / (1.0 + static_cast<double>(counted));
}

}  // namespace rb::stats

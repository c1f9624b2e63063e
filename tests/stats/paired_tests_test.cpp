// McNemar's exact p-values and Holm's adjustment against Python's standard library (exact
// rational arithmetic with math.comb and fractions), and against values worked out by hand.
#include "stats/paired_tests.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <utility>
#include <vector>

#include "../report/python_runner.h"

namespace {

using rb::stats::bootstrap_p;
using rb::stats::holm_adjust;
using rb::stats::mcnemar_exact_p;

const std::vector<std::pair<size_t, size_t>> kDiscordant = {
    {0, 0}, {0, 1}, {1, 0}, {3, 3}, {0, 5}, {2, 9}, {10, 25}, {40, 60}, {7, 0}, {150, 190}, {1200, 1299}, {3, 1500}};

TEST(McNemar, HandWorkedValues) {
  EXPECT_EQ(mcnemar_exact_p(0, 0), 1.0);
  EXPECT_DOUBLE_EQ(mcnemar_exact_p(0, 1), 1.0);           // 2 * 1/2
  EXPECT_DOUBLE_EQ(mcnemar_exact_p(0, 5), 2.0 / 32.0);     // 2 * (1/2)^5
  EXPECT_DOUBLE_EQ(mcnemar_exact_p(1, 4), 2.0 * 6.0 / 32.0);  // 2 * (1 + 5) / 32
  EXPECT_DOUBLE_EQ(mcnemar_exact_p(4, 1), mcnemar_exact_p(1, 4));
  EXPECT_EQ(mcnemar_exact_p(3, 3), 1.0);  // capped at 1
}

TEST(McNemar, MatchesPythonsExactBinomial) {
  std::ostringstream script;
  script << "import math\nfrom fractions import Fraction\n";
  script << "def p(b, c):\n"
            "    n = b + c\n"
            "    if n == 0: return 1.0\n"
            "    tail = sum(Fraction(math.comb(n, i), 2 ** n) for i in range(min(b, c) + 1))\n"
            "    return float(min(Fraction(1), 2 * tail))\n";
  for (const auto& [b, c] : kDiscordant) script << "print(repr(p(" << b << ", " << c << ")))\n";
  if (!rb_test::python_available()) GTEST_SKIP() << "python3 is not available";
  const auto output = rb_test::run_python(script.str());
  ASSERT_TRUE(output) << "the Python computation failed:\n" << script.str();
  std::istringstream lines(*output);
  for (const auto& [b, c] : kDiscordant) {
    double expected = 0;
    ASSERT_TRUE(lines >> expected);
    const double ours = mcnemar_exact_p(b, c);
    EXPECT_NEAR(ours, expected, 1e-11 * expected + 1e-300) << b << " / " << c;
  }
}

TEST(Holm, MatchesPythonsStepDown) {
  const std::vector<std::vector<double>> families = {
      {0.01, 0.04, 0.03, 0.005}, {0.5, 0.5, 0.5}, {0.001, 0.2, 0.9, 0.04, 0.04, 0.013}, {0.3}, {0.02, 1.0}};
  std::ostringstream script;
  script << "def holm(ps):\n"
            "    m = len(ps)\n"
            "    order = sorted(range(m), key=lambda i: ps[i])\n"
            "    out = [0.0] * m\n"
            "    running = 0.0\n"
            "    for rank, i in enumerate(order):\n"
            "        running = max(running, min(1.0, (m - rank) * ps[i]))\n"
            "        out[i] = running\n"
            "    return out\n";
  for (const auto& family : families) {
    script << "print(' '.join(repr(v) for v in holm([";
    for (double p : family) script << p << ",";
    script << "])))\n";
  }
  if (!rb_test::python_available()) GTEST_SKIP() << "python3 is not available";
  const auto output = rb_test::run_python(script.str());
  ASSERT_TRUE(output) << "the Python computation failed:\n" << script.str();
  std::istringstream lines(*output);
  for (const auto& family : families) {
    const auto ours = holm_adjust(family);
    for (size_t i = 0; i < family.size(); ++i) {
      double expected = 0;
      ASSERT_TRUE(lines >> expected);
      EXPECT_DOUBLE_EQ(ours[i], expected);
    }
  }
}

TEST(Holm, HandWorkedFamilyAndNaN) {
  // Sorted 0.005, 0.01, 0.03, 0.04 -> 4 x 0.005, 3 x 0.01, 2 x 0.03, 1 x 0.04, made monotone.
  const auto adjusted = holm_adjust({0.01, 0.04, 0.03, 0.005});
  EXPECT_DOUBLE_EQ(adjusted[3], 0.02);
  EXPECT_DOUBLE_EQ(adjusted[0], 0.03);
  EXPECT_DOUBLE_EQ(adjusted[2], 0.06);
  EXPECT_DOUBLE_EQ(adjusted[1], 0.06);
  const auto with_nan = holm_adjust({0.01, std::nan(""), 0.02});
  EXPECT_TRUE(std::isnan(with_nan[1]));
  EXPECT_DOUBLE_EQ(with_nan[0], 0.02);  // m = 2
  EXPECT_DOUBLE_EQ(with_nan[2], 0.02);
}

TEST(BootstrapP, CentredReplicates) {
  // Observed 0.1; replicates centred on it: |d - 0.1| >= 0.1 for 2 of 4.
  EXPECT_DOUBLE_EQ(bootstrap_p(0.1, {0.1, 0.15, 0.0, 0.25}), (1.0 + 2.0) / 5.0);
  EXPECT_DOUBLE_EQ(bootstrap_p(0.0, {0.1, -0.1}), 1.0);
}

}  // namespace

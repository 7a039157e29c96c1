#include "partita/kernels/synthetic.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

namespace {

namespace syn = partita::kernels::synthetic;
using partita::Rng;
using syn::Distribution;

// Mean of n cost draws, each from its own task's stream as the launcher draws them.
double sample_mean(Distribution d, double mean_us, double alpha, std::uint64_t n) {
  double sum = 0.0;
  for (std::uint64_t task = 0; task < n; ++task) {
    Rng rng(11, task);
    sum += syn::task_cost_us(d, mean_us, alpha, rng);
  }
  return sum / static_cast<double>(n);
}

TEST(SyntheticCost, SameSeedAndTaskGiveSameCostAndChecksum) {
  for (const auto d : {Distribution::uniform, Distribution::exponential, Distribution::pareto}) {
    Rng a(5, 17), b(5, 17), c(5, 18);
    const double cost = syn::task_cost_us(d, 200.0, 1.5, a);
    EXPECT_EQ(cost, syn::task_cost_us(d, 200.0, 1.5, b));
    EXPECT_NE(cost, syn::task_cost_us(d, 200.0, 1.5, c));
    const auto first = syn::burn(cost);
    const auto second = syn::burn(cost);
    EXPECT_EQ(first.iterations, second.iterations);
    EXPECT_EQ(first.checksum, second.checksum);
  }
}

// The cost is the stream's first uniform(), so a cost hint given a copy of
// the stream predicts exactly the cost evaluate will draw.
TEST(SyntheticCost, UsesTheFirstDrawOfTheStream) {
  Rng rng(3, 9), reference(3, 9);
  EXPECT_EQ(syn::task_cost_us(Distribution::uniform, 100.0, 1.5, rng), 200.0 * reference.uniform());
  EXPECT_EQ(rng.uniform(), reference.uniform()) << "uniform cost must draw exactly one double";
}

TEST(SyntheticCost, ConstantDrawsNothing) {
  Rng rng(3, 9), reference(3, 9);
  EXPECT_EQ(syn::task_cost_us(Distribution::constant, 250.0, 1.5, rng), 250.0);
  EXPECT_EQ(rng.next_u32(), reference.next_u32());
}

// Sample means within 5 standard errors of mean_us, with each distribution's
// own standard deviation: uniform 2m/sqrt(12), exponential m, and Pareto with
// alpha = 3 m/sqrt(3) (alpha <= 2 has infinite variance; see the median test).
TEST(SyntheticCost, SampleMeansMatchMeanUs) {
  constexpr std::uint64_t n = 200000;
  constexpr double m = 200.0;
  const double root_n = std::sqrt(static_cast<double>(n));
  EXPECT_NEAR(sample_mean(Distribution::uniform, m, 1.5, n), m, 5.0 * (2.0 * m / std::sqrt(12.0)) / root_n);
  EXPECT_NEAR(sample_mean(Distribution::exponential, m, 1.5, n), m, 5.0 * m / root_n);
  EXPECT_NEAR(sample_mean(Distribution::pareto, m, 3.0, n), m, 5.0 * (m / std::sqrt(3.0)) / root_n);
  EXPECT_EQ(sample_mean(Distribution::constant, m, 1.5, 10), m);
}

// With alpha = 1.5 the mean exists but the variance does not, so check the
// shape through the median: scale x 2^(1/alpha), where scale = m (alpha-1)/alpha.
TEST(SyntheticCost, ParetoMedianAndMinimumMatchTheirFormulas) {
  constexpr std::uint64_t n = 100000;
  constexpr double m = 200.0;
  constexpr double alpha = 1.5;
  const double scale = m * (alpha - 1.0) / alpha;
  const double median = scale * std::pow(2.0, 1.0 / alpha);
  std::uint64_t below = 0;
  double smallest = std::numeric_limits<double>::infinity();
  for (std::uint64_t task = 0; task < n; ++task) {
    Rng rng(12, task);
    const double cost = syn::task_cost_us(Distribution::pareto, m, alpha, rng);
    below += cost < median ? 1 : 0;
    smallest = std::min(smallest, cost);
  }
  EXPECT_NEAR(static_cast<double>(below) / n, 0.5, 5.0 * 0.5 / std::sqrt(static_cast<double>(n)));
  EXPECT_GE(smallest, scale);
  EXPECT_LT(smallest, scale * 1.001);
}

TEST(SyntheticCost, RejectsParetoAlphaAtMostOneAndBadMeans) {
  Rng rng(1, 1);
  EXPECT_THROW(syn::task_cost_us(Distribution::pareto, 200.0, 1.0, rng), partita::InvalidArgument);
  EXPECT_THROW(syn::task_cost_us(Distribution::pareto, 200.0, 0.5, rng), partita::InvalidArgument);
  EXPECT_THROW(syn::task_cost_us(Distribution::pareto, 200.0, std::nan(""), rng), partita::InvalidArgument);
  EXPECT_THROW(syn::task_cost_us(Distribution::exponential, -1.0, 1.5, rng), partita::InvalidArgument);
  EXPECT_THROW(syn::task_cost_us(Distribution::constant, std::nan(""), 1.5, rng), partita::InvalidArgument);
  EXPECT_NO_THROW(syn::task_cost_us(Distribution::pareto, 200.0, 1.01, rng));
}

TEST(SyntheticCost, ParsesDistributionNames) {
  EXPECT_EQ(syn::parse_distribution("constant"), Distribution::constant);
  EXPECT_EQ(syn::parse_distribution("uniform"), Distribution::uniform);
  EXPECT_EQ(syn::parse_distribution("exponential"), Distribution::exponential);
  EXPECT_EQ(syn::parse_distribution("pareto"), Distribution::pareto);
  EXPECT_THROW(syn::parse_distribution("normal"), partita::InvalidArgument);
}

// The work is defined in iterations, so "twice the cost burns twice the work"
// is checked exactly on counts rather than on timings.
TEST(SyntheticBurn, IterationsAreProportionalToCost) {
  EXPECT_EQ(syn::iterations_for(0.0), 0u);
  EXPECT_EQ(syn::iterations_for(1000.0), static_cast<std::uint64_t>(1000.0 * syn::iterations_per_us));
  for (const double cost : {1.0, 50.0, 200.0, 12345.0}) {
    EXPECT_EQ(syn::iterations_for(2.0 * cost), 2 * syn::iterations_for(cost)) << cost;
    EXPECT_EQ(syn::burn(cost).iterations, syn::iterations_for(cost)) << cost;
  }
  EXPECT_EQ(syn::iterations_for(1e300), std::uint64_t{1} << 62) << "a far Pareto tail saturates";
  EXPECT_THROW(syn::iterations_for(-1.0), partita::InvalidArgument);
  EXPECT_THROW(syn::iterations_for(std::nan("")), partita::InvalidArgument);
}

// spin() against the same chain written out here: the checksum is a pure
// function of the iteration count.
TEST(SyntheticBurn, ChecksumIsTheChainAfterThatManyIterations) {
  std::uint64_t x = 0x9E3779B97F4A7C15u;
  std::vector<std::uint32_t> expected;
  for (int i = 0; i <= 1000; ++i) {
    expected.push_back(static_cast<std::uint32_t>(x >> 32));
    x = x * 6364136223846793005u + 1442695040888963407u;
    x ^= x >> 29;
  }
  for (std::uint64_t n : {0u, 1u, 2u, 999u, 1000u}) EXPECT_EQ(syn::spin(n), expected[n]) << n;
  const auto burnt = syn::burn(1.0);
  EXPECT_EQ(burnt.checksum, syn::spin(burnt.iterations));
  EXPECT_NE(syn::spin(1'000'000), syn::spin(1'000'001));
}

}  // namespace

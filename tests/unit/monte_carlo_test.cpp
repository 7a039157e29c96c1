#include "partita/kernels/monte_carlo.hpp"

#include <gtest/gtest.h>

#include <numbers>

namespace {

namespace mc = partita::kernels::monte_carlo;
using partita::Rng;

TEST(MonteCarloPi, WithinFiveStandardErrors) {
  Rng rng(2024, 0);
  const auto e = mc::pi(2'000'000, rng);
  EXPECT_EQ(e.samples, 2'000'000u);
  EXPECT_GT(e.std_error, 0.0);
  EXPECT_NEAR(e.value, std::numbers::pi, 5.0 * e.std_error);
}

TEST(MonteCarloPi, DependsOnlyOnSeedAndTask) {
  Rng a(1, 17), b(1, 17), c(1, 18);
  const double first = mc::pi(10000, a).value;
  EXPECT_EQ(first, mc::pi(10000, b).value);
  EXPECT_NE(first, mc::pi(10000, c).value);
}

TEST(MonteCarloPi, RejectsZeroSamples) {
  Rng rng(1, 1);
  EXPECT_THROW(mc::pi(0, rng), partita::InvalidArgument);
}

// sum_i x_i^2 over [0, 2]^3 is 3 * (8/3) * 4 = 32 exactly.
TEST(MonteCarloIntegrate, PolynomialHasItsKnownIntegral) {
  Rng rng(7, 3);
  const mc::Box box{{0, 0, 0}, {2, 2, 2}};
  const auto f = [](std::span<const double> x) { return x[0] * x[0] + x[1] * x[1] + x[2] * x[2]; };
  const auto e = mc::integrate(f, box, 400000, rng);
  EXPECT_NEAR(e.value, 32.0, 5.0 * e.std_error);
  EXPECT_LT(e.std_error, 0.1);
}

// A constant integrand has zero variance: the estimate is exact.
TEST(MonteCarloIntegrate, ConstantIsExact) {
  Rng rng(7, 4);
  const mc::Box box{{-1, 0}, {1, 3}};
  const auto e = mc::integrate([](std::span<const double>) { return 2.5; }, box, 1000, rng);
  EXPECT_DOUBLE_EQ(e.value, 2.5 * 6.0);
  EXPECT_EQ(e.std_error, 0.0);
}

TEST(MonteCarloIntegrate, RejectsBadBoxes) {
  Rng rng(1, 1);
  const auto f = [](std::span<const double>) { return 1.0; };
  EXPECT_THROW(mc::integrate(f, mc::Box{{0, 0}, {1}}, 100, rng), partita::InvalidArgument);
  EXPECT_THROW(mc::integrate(f, mc::Box{{1}, {1}}, 100, rng), partita::InvalidArgument);
  EXPECT_THROW(mc::integrate(f, mc::Box{{}, {}}, 100, rng), partita::InvalidArgument);
  EXPECT_THROW(mc::integrate(f, mc::Box{{0}, {1}}, 1, rng), partita::InvalidArgument);
}

}  // namespace

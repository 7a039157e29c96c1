#include "partita/kernels/batch_means.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

namespace {

namespace mc = partita::kernels::monte_carlo;
using partita::Rng;

// Reference quantiles (R: qt(p, df)).
TEST(StudentT, QuantilesMatchTables) {
  EXPECT_NEAR(mc::student_t_quantile(0.975, 1), std::tan(std::numbers::pi * 0.475), 1e-9);
  EXPECT_NEAR(mc::student_t_quantile(0.975, 2), 4.302652729911275, 1e-9);
  EXPECT_NEAR(mc::student_t_quantile(0.975, 3), 3.182446305284263, 1e-9);
  EXPECT_NEAR(mc::student_t_quantile(0.975, 10), 2.228138851986274, 1e-9);
  EXPECT_NEAR(mc::student_t_quantile(0.995, 5), 4.032142983557536, 1e-9);
  EXPECT_NEAR(mc::student_t_quantile(0.025, 31), -2.039513446396408, 1e-9);
  EXPECT_NEAR(mc::student_t_quantile(0.975, 1e7), 1.959963984540054, 1e-6);
  EXPECT_EQ(mc::student_t_quantile(0.5, 4), 0.0);
  EXPECT_THROW(mc::student_t_quantile(1.0, 4), partita::InvalidArgument);
  EXPECT_THROW(mc::student_t_quantile(0.9, 0), partita::InvalidArgument);
}

// 1..6 in 3 batches: means 1.5, 3.5, 5.5; Var(mean) = 2 (4 + 0 + 4) / (2 x 6).
TEST(BatchMeans, SmallExampleByHand) {
  mc::BatchMeans means(6, 3);
  for (int x = 1; x <= 6; ++x) means.add(x);
  const auto e = means.result(0.95);
  EXPECT_DOUBLE_EQ(e.value, 3.5);
  EXPECT_NEAR(e.batch_std_error, std::sqrt(16.0 / 12.0), 1e-15);
  EXPECT_NEAR(e.std_error, std::sqrt(3.5 / 6.0), 1e-15);  // sample variance of 1..6 is 3.5
  const double t = 4.302652729911275;
  EXPECT_NEAR(e.ci.low, 3.5 - t * std::sqrt(16.0 / 12.0), 1e-9);
  EXPECT_NEAR(e.ci.high, 3.5 + t * std::sqrt(16.0 / 12.0), 1e-9);
  EXPECT_EQ(e.batches, 3u);
}

// 7 samples in 3 batches: sizes 3, 2, 2, so means 2, 4.5, 6.5 around 4.
TEST(BatchMeans, UnevenBatchesAreWeightedBySize) {
  mc::BatchMeans means(7, 3);
  for (int x = 1; x <= 7; ++x) means.add(x);
  const auto e = means.result();
  EXPECT_DOUBLE_EQ(e.value, 4.0);
  const double spread = 3 * 4.0 + 2 * 0.25 + 2 * 6.25;
  EXPECT_NEAR(e.batch_std_error, std::sqrt(spread / (2.0 * 7.0)), 1e-15);
}

// An AR(1) chain with phi = 0.9: the samples are correlated, so the plain
// standard error is too small by about sqrt((1 + phi) / (1 - phi)) = 4.36;
// batch means see it, and their interval holds the true mean 0.
TEST(BatchMeans, SeesCorrelationThePlainErrorMisses) {
  Rng rng(11, 0);
  const std::uint64_t n = 400000;
  mc::BatchMeans means(n, 40);
  double x = 0.0;
  for (std::uint64_t i = 0; i < n; ++i) {
    x = 0.9 * x + rng.normal();
    means.add(x);
  }
  const auto e = means.result(0.99);
  const double ratio = e.batch_std_error / e.std_error;
  EXPECT_GT(ratio, 3.0);
  EXPECT_LT(ratio, 6.0);
  EXPECT_LT(e.ci.low, 0.0);
  EXPECT_GT(e.ci.high, 0.0);
}

TEST(BatchMeans, RejectsBadUse) {
  EXPECT_THROW(mc::BatchMeans(10, 1), partita::InvalidArgument);
  EXPECT_THROW(mc::BatchMeans(3, 4), partita::InvalidArgument);
  mc::BatchMeans means(2, 2);
  means.add(1.0);
  EXPECT_THROW(means.result(), partita::InvalidArgument);
  means.add(2.0);
  EXPECT_THROW(means.add(3.0), partita::InvalidArgument);
  EXPECT_THROW(means.result(1.0), partita::InvalidArgument);
}

// sum_i x_i^2 over [0, 2]^3 is 32: the interval covers it, and the
// estimate is integrate()'s for the same stream.
TEST(BatchMeans, IntegrateWithIntervalCoversTheKnownIntegral) {
  const mc::Box box{{0, 0, 0}, {2, 2, 2}};
  const auto f = [](std::span<const double> x) { return x[0] * x[0] + x[1] * x[1] + x[2] * x[2]; };
  Rng a(7, 3), b(7, 3);
  const auto e = mc::integrate_with_interval(f, box, 400000, a, 32, 0.999);
  const auto plain = mc::integrate(f, box, 400000, b);
  EXPECT_NEAR(e.value, plain.value, 1e-12 * plain.value);
  EXPECT_NEAR(e.std_error, plain.std_error, 1e-9 * plain.std_error);
  EXPECT_LT(e.ci.low, 32.0);
  EXPECT_GT(e.ci.high, 32.0);
}

}  // namespace

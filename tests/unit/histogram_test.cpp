#include "partita/kernels/histogram.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "partita/rng.hpp"

namespace {

namespace hist = partita::kernels::histogram;

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// The serial equivalent from histogram.hpp, written out.
hist::Histogram reference(const std::vector<double>& x, const hist::Layout& layout) {
  hist::Histogram h;
  h.layout = layout;
  h.counts.assign(layout.bins, 0);
  for (double v : x) {
    if (std::isnan(v)) {
      ++h.nan;
    } else if (v < layout.lower) {
      ++h.underflow;
    } else if (v >= layout.upper) {
      ++h.overflow;
    } else {
      ++h.counts[hist::bin_of(v, layout)];
    }
  }
  return h;
}

void expect_same(const hist::Histogram& got, const hist::Histogram& want) {
  EXPECT_EQ(got.counts, want.counts);
  EXPECT_EQ(got.underflow, want.underflow);
  EXPECT_EQ(got.overflow, want.overflow);
  EXPECT_EQ(got.nan, want.nan);
}

std::vector<double> normal_values(std::size_t n, std::uint64_t seed) {
  partita::Rng rng(seed, 0);
  std::vector<double> x(n);
  for (double& v : x) v = rng.normal();
  return x;
}

TEST(Histogram, EdgesSpecialValuesAndBins) {
  const hist::Layout layout{-1.0, 1.0, 4};
  const std::vector<double> x{-1.0, -0.5, 0.0, 0.5, std::nextafter(1.0, 0.0), 1.0, -inf, inf, nan, -nan,
                              std::nextafter(-1.0, -2.0)};
  const auto h = hist::count(x, layout, 1);
  EXPECT_EQ(h.counts, (std::vector<std::uint64_t>{1, 1, 1, 2}));
  EXPECT_EQ(h.underflow, 2u);  // -Inf and just below lower
  EXPECT_EQ(h.overflow, 2u);   // upper itself and +Inf
  EXPECT_EQ(h.nan, 2u);
  EXPECT_EQ(h.in_range(), 5u);
  EXPECT_EQ(h.total(), x.size());
}

// Rounding can carry (v - lower) x scale up to bins just below upper
// (a layout found by search): such a value is counted in the last bin.
TEST(Histogram, ValuesJustBelowUpperStayInTheLastBin) {
  const hist::Layout layout{-7.312715117751976, 1.1631479142509775, 783};
  const double just_below = std::nextafter(layout.upper, 0.0);
  ASSERT_GE((just_below - layout.lower) * (783 / (layout.upper - layout.lower)), 783.0);
  EXPECT_EQ(hist::bin_of(just_below, layout), 782u);
  EXPECT_EQ(hist::count(std::vector<double>{just_below}, layout, 1).counts[782], 1u);
}

TEST(Histogram, MatchesTheSerialReferenceAtAnyThreadCount) {
  auto x = normal_values(150001, 21);
  x[17] = nan;
  x[99999] = inf;
  for (const hist::Layout layout : {hist::Layout{-2.0, 2.0, 37}, hist::Layout{-3.0, 0.5, 1}, hist::Layout{0, 1, 5000}}) {
    const auto want = reference(x, layout);
    for (int threads : {1, 2, 3, 4}) {
      SCOPED_TRACE(threads);
      expect_same(hist::count(x, layout, threads), want);
    }
  }
}

TEST(Histogram, EmptyInputGivesZeroCounts) {
  const auto h = hist::count(std::vector<double>{}, {0.0, 1.0, 3}, 2);
  EXPECT_EQ(h.counts, (std::vector<std::uint64_t>{0, 0, 0}));
  EXPECT_EQ(h.total(), 0u);
}

TEST(Histogram, RejectsBadLayouts) {
  const std::vector<double> x{1.0};
  EXPECT_THROW(hist::count(x, {1.0, 1.0, 3}), partita::InvalidArgument);
  EXPECT_THROW(hist::count(x, {2.0, 1.0, 3}), partita::InvalidArgument);
  EXPECT_THROW(hist::count(x, {0.0, inf, 3}), partita::InvalidArgument);
  EXPECT_THROW(hist::count(x, {nan, 1.0, 3}), partita::InvalidArgument);
  EXPECT_THROW(hist::count(x, {-1e308, 1e308, 3}), partita::InvalidArgument);  // upper - lower overflows
  EXPECT_THROW(hist::count(x, {0.0, 1.0, 0}), partita::InvalidArgument);
}

}  // namespace

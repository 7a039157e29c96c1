// The reductions on one process (no MPI): exact values, reproducibility over
// thread counts, every SIMD variant against the value-by-value loop.
#include "partita/kernels/reduce.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

#include "partita/kernels/detail/binned.hpp"
#include "partita/rng.hpp"

namespace {

namespace reduce = partita::kernels::reduce;
namespace detail = partita::kernels::detail;
using partita::kernels::ExactSum;

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double big = std::numeric_limits<double>::max();

bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

double naive_sum(const std::vector<double>& x) { return std::accumulate(x.begin(), x.end(), 0.0); }

// Values in +-[2^-span, 2^span) times a normal draw: wide dynamic range.
std::vector<double> wide(std::size_t n, int span, std::uint64_t seed) {
  partita::Rng rng(seed, 0);
  std::vector<double> x(n);
  for (double& v : x) {
    v = std::ldexp(rng.normal(), static_cast<int>(rng.next_u32() % (2 * static_cast<unsigned>(span))) - span);
  }
  return x;
}

// A vector whose exact sum is known: pairs +a, -a of wide range, plus the
// integers 1..k, shuffled. Naive summation loses the integers.
std::vector<double> cancelling(std::size_t pairs, int k, std::uint64_t seed, double& exact_sum) {
  std::vector<double> x = wide(pairs, 60, seed);
  for (std::size_t i = 0; i < pairs; ++i) x.push_back(-x[i]);
  for (int i = 1; i <= k; ++i) x.push_back(i);
  partita::Rng rng(seed, 1);
  for (std::size_t i = x.size() - 1; i > 0; --i) std::swap(x[i], x[rng.next_u32() % (i + 1)]);
  exact_sum = k * (k + 1) / 2.0;
  return x;
}

TEST(ReduceSum, CatastrophicCancellationIsExact) {
  const std::vector<double> x{1e16, 1.0, -1e16};
  EXPECT_EQ(naive_sum(x), 0.0);
  EXPECT_EQ(reduce::sum(x, 1), 1.0);
  double known = 0.0;
  const auto y = cancelling(100000, 100, 3, known);
  EXPECT_NE(naive_sum(y), known);
  for (int threads : {1, 2, 3}) EXPECT_EQ(reduce::sum(y, threads), known) << threads << " threads";
}

TEST(ReduceSum, HugeDynamicRange) {
  std::vector<double> x{1e308, 1e308, -1e308, 1e-308, 0x1p-1074, -1e-308};
  EXPECT_EQ(naive_sum(x), inf);
  EXPECT_EQ(reduce::sum(x, 1), 1e308 + 0x1p-1074);  // which rounds to 1e308
  EXPECT_EQ(reduce::sum(std::vector<double>{big, -big, 0x1p-1074}, 1), 0x1p-1074);
  EXPECT_EQ(reduce::sum(std::vector<double>{big, big}, 1), inf);  // the exact sum overflows
  EXPECT_EQ(reduce::sum(std::vector<double>{big, big, -big}, 1), big);
}

TEST(ReduceSum, SpecialValuesPropagate) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> x = wide(70000, 30, 4);
  EXPECT_TRUE(std::isfinite(reduce::sum(x, 2)));
  x[50000] = inf;
  EXPECT_EQ(reduce::sum(x, 2), inf);
  x[123] = -inf;
  EXPECT_TRUE(std::isnan(reduce::sum(x, 2)));
  x[123] = 1.0;
  x[60000] = nan;
  EXPECT_TRUE(std::isnan(reduce::sum(x, 2)));
  EXPECT_TRUE(std::isnan(reduce::dot(x, x, 2)));
  EXPECT_TRUE(std::isnan(reduce::norm2(x, 2)));
}

TEST(ReduceSum, EmptyIsPositiveZero) {
  const std::vector<double> none;
  EXPECT_TRUE(same_bits(reduce::sum(none), 0.0));
  EXPECT_TRUE(same_bits(reduce::dot(none, none), 0.0));
  EXPECT_TRUE(same_bits(reduce::norm2(none), 0.0));
  EXPECT_TRUE(same_bits(reduce::fast_sum(none), 0.0));
}

// Different thread counts split the vector differently: same bits.
TEST(ReduceSum, SameBitsForAnyThreadCount) {
  const auto x = wide(200003, 200, 5);
  const auto y = wide(200003, 100, 6);
  const double s = reduce::sum(x, 1);
  const double d = reduce::dot(x, y, 1);
  const double n = reduce::norm2(x, 1);
  for (int threads : {2, 3, 4, 7}) {
    EXPECT_TRUE(same_bits(reduce::sum(x, threads), s)) << threads;
    EXPECT_TRUE(same_bits(reduce::dot(x, y, threads), d)) << threads;
    EXPECT_TRUE(same_bits(reduce::norm2(x, threads), n)) << threads;
  }
  // The exact value is also the one a value-by-value ExactSum gives.
  ExactSum reference;
  for (double v : x) reference.add(v);
  EXPECT_TRUE(same_bits(s, reference.value()));
}

// Every vector variant this CPU runs adds exactly what the value-by-value
// loop adds: blocks that take the vector path, blocks that fall back (tiny
// values, NaN, huge values), blocks the five-grid retry takes, and ragged
// lengths.
TEST(ReduceSimd, EveryVariantMatchesTheValueByValueLoop) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::vector<double>> cases;
  cases.push_back(wide(5000, 10, 7));    // all blocks vectorised
  cases.push_back(wide(5000, 40, 16));   // blocks need the five-grid retry
  cases.push_back(wide(5000, 500, 8));   // most blocks go value by value
  cases.push_back(wide(4099, 1000, 9));  // ragged tail, extreme range
  cases.push_back(std::vector<double>(3000, 0x1p-1074));
  cases.push_back(std::vector<double>(3000, 0x1p1015));  // too large for the grids
  auto with_specials = wide(6000, 5, 10);
  with_specials[2500] = nan;
  with_specials[4100] = -inf;
  cases.push_back(with_specials);
  auto negative_zeros = wide(3000, 5, 17);
  for (std::size_t i = 0; i < negative_zeros.size(); i += 3) negative_zeros[i] = -0.0;
  cases.push_back(negative_zeros);
  for (std::size_t n : {0, 1, 7, 17, 1023, 1025, 2049}) cases.push_back(wide(n, 20, 11 + n));

  const auto y = wide(6000, 40, 12);
  for (const auto& x : cases) {
    ExactSum sum_reference;
    ExactSum dot_reference;
    for (std::size_t i = 0; i < x.size(); ++i) {
      sum_reference.add(x[i]);
      const double p = x[i] * y[i];
      dot_reference.add(p);
      if (std::isfinite(p)) dot_reference.add(std::fma(x[i], y[i], -p));
    }
    const std::span<const double> ys(y.data(), x.size());
    for (auto level : {detail::SimdLevel::generic, detail::SimdLevel::avx2, detail::SimdLevel::avx512}) {
      if (!detail::simd_level_supported(level)) continue;
      ExactSum s;
      ExactSum d;
      detail::add_sum(x, s, level);
      detail::add_dot(x, ys, d, level);
      EXPECT_TRUE(same_bits(s.value(), sum_reference.value()))
          << detail::to_string(level) << ", n = " << x.size() << ": " << s.value() << " vs " << sum_reference.value();
      EXPECT_TRUE(same_bits(d.value(), dot_reference.value()))
          << detail::to_string(level) << ", n = " << x.size() << ": " << d.value() << " vs " << dot_reference.value();
    }
  }
}

TEST(ReduceDot, ProductsAreTakenExactly) {
  // (1 + 2^-30)(1 - 2^-30) = 1 - 2^-60, which rounds to 1: naive gives 0.
  const std::vector<double> x{1.0 + 0x1p-30, -1.0};
  const std::vector<double> y{1.0 - 0x1p-30, 1.0};
  EXPECT_EQ(x[0] * y[0] + x[1] * y[1], 0.0);
  EXPECT_EQ(reduce::dot(x, y, 1), -0x1p-60);
  // Pairs (a, b) and (a, -b) cancel; the products 1 x i remain.
  partita::Rng rng(13, 0);
  std::vector<double> a;
  std::vector<double> b;
  for (int i = 0; i < 50000; ++i) {
    const double u = std::ldexp(rng.normal(), static_cast<int>(rng.next_u32() % 80) - 40);
    const double v = std::ldexp(rng.normal(), static_cast<int>(rng.next_u32() % 80) - 40);
    a.insert(a.end(), {u, u});
    b.insert(b.end(), {v, -v});
  }
  for (int i = 1; i <= 100; ++i) {
    a.push_back(1.0);
    b.push_back(i);
  }
  EXPECT_EQ(reduce::dot(a, b, 2), 5050.0);
  EXPECT_THROW(reduce::dot(a, std::span<const double>(b).first(3)), partita::InvalidArgument);
  EXPECT_THROW(reduce::fast_dot(a, std::span<const double>(b).first(3)), partita::InvalidArgument);
}

TEST(ReduceNorm, ScalesInsteadOfOverflowingOrUnderflowing) {
  EXPECT_EQ(reduce::norm2(std::vector<double>{3.0, 4.0}), 5.0);
  const std::vector<double> huge{3e300, 4e300};
  EXPECT_EQ(reduce::fast_norm2(huge), inf);  // the naive sum of squares overflows
  EXPECT_DOUBLE_EQ(reduce::norm2(huge), 5e300);
  const std::vector<double> small{3e-300, 4e-300};
  EXPECT_EQ(reduce::fast_norm2(small), 0.0);  // the squares underflow
  EXPECT_DOUBLE_EQ(reduce::norm2(small), 5e-300);
  EXPECT_EQ(reduce::norm2(std::vector<double>{0x1p-1074}), 0x1p-1074);
  EXPECT_EQ(reduce::norm2(std::vector<double>{big, big}), inf);  // the norm itself is out of range
  EXPECT_EQ(reduce::norm2(std::vector<double>{-inf, 1.0}), inf);
  EXPECT_TRUE(same_bits(reduce::norm2(std::vector<double>(10, 0.0)), 0.0));
  // Within one ulp of the true norm: sqrt(n) for n ones.
  EXPECT_EQ(reduce::norm2(std::vector<double>(1 << 20, 1.0), 2), 1024.0);
}

TEST(ReduceFast, CloseToTheExactResultOnBenignData) {
  const auto x = wide(100000, 4, 14);
  const auto y = wide(100000, 4, 15);
  // Naive error bounds: n eps sum |x|, n eps sum |x y|.
  double abs_sum = 0.0;
  double abs_dot = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    abs_sum += std::fabs(x[i]);
    abs_dot += std::fabs(x[i] * y[i]);
  }
  const double n_eps = static_cast<double>(x.size()) * std::numeric_limits<double>::epsilon();
  EXPECT_NEAR(reduce::fast_sum(x, 2), reduce::sum(x), n_eps * abs_sum);
  EXPECT_NEAR(reduce::fast_dot(x, y, 2), reduce::dot(x, y), n_eps * abs_dot);
  EXPECT_NEAR(reduce::fast_norm2(x, 2), reduce::norm2(x), 1e-12 * reduce::norm2(x));
}

}  // namespace

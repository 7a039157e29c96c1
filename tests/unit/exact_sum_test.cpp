#include "partita/kernels/exact_sum.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "partita/rng.hpp"

namespace {

using partita::kernels::ExactSum;

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double big = std::numeric_limits<double>::max();
constexpr double tiny = std::numeric_limits<double>::denorm_min();

bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

double exact(std::initializer_list<double> values) {
  ExactSum s;
  for (double v : values) s.add(v);
  return s.value();
}

// Any double, sign, exponent and fraction drawn evenly, finite only.
double any_finite(partita::Rng& rng) {
  for (;;) {
    const std::uint64_t bits = (std::uint64_t{rng.next_u32()} << 32) | rng.next_u32();
    const double v = std::bit_cast<double>(bits);
    if (std::isfinite(v)) return v;
  }
}

// Two doubles: IEEE addition rounds their exact sum once, to nearest even,
// which is exactly what value() promises. Pairs near each other's magnitude
// (and negation) exercise cancellation, subnormals and overflow.
TEST(ExactSum, TwoValuesRoundLikeIeeeAddition) {
  partita::Rng rng(11, 0);
  int checked = 0;
  for (int k = 0; k < 200000; ++k) {
    const double a = any_finite(rng);
    double b = any_finite(rng);
    switch (k % 4) {
      case 1: b = std::ldexp(b, -std::ilogb(b) + std::ilogb(a) - static_cast<int>(rng.next_u32() % 70)); break;
      case 2: b = -a * (1.0 + std::ldexp(static_cast<double>(rng.next_u32() % 1000), -52)); break;
      case 3: b = std::nextafter(-a, 0.0); break;
      default: break;
    }
    if (!std::isfinite(b)) continue;
    const double want = a + b == 0.0 ? 0.0 : a + b;  // an exact zero is +0
    ASSERT_TRUE(same_bits(exact({a, b}), want)) << std::hexfloat << a << " + " << b << " gave " << exact({a, b})
                                                << ", IEEE " << want;
    ++checked;
  }
  EXPECT_GT(checked, 190000);
}

TEST(ExactSum, RoundsTiesToEvenAndUsesEveryLowerBit) {
  const double half_ulp = 0x1p-53;  // half an ulp of 1
  EXPECT_EQ(exact({1.0, half_ulp}), 1.0);                                       // tie, 1 is even
  EXPECT_EQ(exact({1.0 + 0x1p-52, half_ulp}), 1.0 + 0x1p-51);                    // tie, up to even
  EXPECT_EQ(exact({1.0, half_ulp, 0x1p-300}), 1.0 + 0x1p-52);                    // just above the tie
  EXPECT_EQ(exact({1.0, half_ulp, -0x1p-300}), 1.0);                             // just below it
  EXPECT_EQ(exact({1.0 + 0x1p-52, half_ulp, -tiny}), 1.0 + 0x1p-52);             // below, by 2^-1074
  EXPECT_EQ(exact({-1.0, -half_ulp, -0x1p-300}), -(1.0 + 0x1p-52));              // signs mirror
}

TEST(ExactSum, CatastrophicCancellation) {
  EXPECT_EQ(1e16 + 1.0 - 1e16, 0.0);  // what naive summation gives
  EXPECT_EQ(exact({1e16, 1.0, -1e16}), 1.0);
  EXPECT_EQ(exact({1e308, 1e308, -1e308}), 1e308);  // naive overflows to inf
  EXPECT_EQ(exact({big, -big, tiny}), tiny);
  EXPECT_EQ(exact({0x1p1000, 0x1p-1000, -0x1p1000}), 0x1p-1000);
  EXPECT_EQ(exact({tiny, tiny, tiny}), 3 * tiny);
}

TEST(ExactSum, OverflowAndSpecialValues) {
  EXPECT_EQ(exact({big, big}), inf);
  EXPECT_EQ(exact({-big, -big}), -inf);
  EXPECT_EQ(exact({big, 0x1p970}), inf);  // a tie at the top rounds (to even) out of range
  EXPECT_EQ(exact({big, 0x1p969}), big);
  EXPECT_EQ(exact({inf, 1.0}), inf);
  EXPECT_EQ(exact({-inf, big, big}), -inf);
  EXPECT_TRUE(std::isnan(exact({inf, -inf})));
  EXPECT_TRUE(std::isnan(exact({1.0, std::nan(""), 2.0})));
  EXPECT_TRUE(std::isnan(exact({inf, -std::nan("")})));
}

TEST(ExactSum, EmptyAndZerosGivePositiveZero) {
  EXPECT_TRUE(same_bits(ExactSum{}.value(), 0.0));
  EXPECT_TRUE(same_bits(exact({-0.0, -0.0}), 0.0));
  EXPECT_TRUE(same_bits(exact({5.0, -5.0}), 0.0));
  EXPECT_TRUE(ExactSum{}.is_zero());
  ExactSum s;
  s.add(3.0);
  s.add(-3.0);
  EXPECT_TRUE(s.is_zero());
  s.add(tiny);
  EXPECT_FALSE(s.is_zero());
}

// The order of adding and of merging never changes a bit.
TEST(ExactSum, MergingInAnyOrderGivesTheSameBits) {
  partita::Rng rng(12, 0);
  std::vector<double> values(5000);
  for (double& v : values) v = std::ldexp(rng.normal(), static_cast<int>(rng.next_u32() % 400) - 200);
  ExactSum forward;
  ExactSum backward;
  for (double v : values) forward.add(v);
  for (auto it = values.rbegin(); it != values.rend(); ++it) backward.add(*it);
  ExactSum pieces[3];
  for (std::size_t i = 0; i < values.size(); ++i) pieces[(i * 7) % 3].add(values[i]);
  ExactSum merged_a = pieces[2];
  merged_a.add(pieces[0]);
  merged_a.add(pieces[1]);
  ExactSum merged_b = pieces[1];
  merged_b.add(pieces[2]);
  merged_b.add(pieces[0]);
  EXPECT_TRUE(same_bits(forward.value(), backward.value()));
  EXPECT_TRUE(same_bits(forward.value(), merged_a.value()));
  EXPECT_TRUE(same_bits(forward.value(), merged_b.value()));
}

// Word-wise integer sums of normalised states are sums of values: what
// the MPI_Allreduce in reduce.cpp relies on.
TEST(ExactSum, NormalisedWordsAddAsIntegers) {
  const auto word_sum = [](ExactSum a, ExactSum b) {
    a.normalize();
    b.normalize();
    ExactSum sum;
    for (int i = 0; i < ExactSum::word_count; ++i) sum.words()[i] = a.words()[i] + b.words()[i];
    return sum.value();
  };
  ExactSum a;
  ExactSum b;
  a.add(1e16);
  a.add(-0.5);
  b.add(-1e16);
  b.add(0x1p-1074);
  EXPECT_EQ(word_sum(a, b), -0.5 + 0x1p-1074);
  a.add(inf);
  b.add(-inf);
  EXPECT_TRUE(std::isnan(word_sum(a, b)));  // +Inf met -Inf
}

// Near the carry limit: limbs as full as 2^30 - 2 additions can make them
// still take more, and the addition that reaches the limit normalises.
TEST(ExactSum, LimbsNearTheirCarryLimitStayExact) {
  ExactSum cancel;
  for (int i = 0; i < 4096; ++i) cancel.add(big);
  for (int i = 0; i < 4096; ++i) cancel.add(-big);
  EXPECT_TRUE(same_bits(cancel.value(), 0.0));

  ExactSum heavy;
  const auto w = heavy.words();
  const std::int64_t terms = (std::int64_t{1} << 30) - 2;
  w[ExactSum::limb_count + 3] = terms;
  // 1.0 lands in limbs 31-33 (bit 1074 counted from 2^-1074); pile up 32 and 33.
  w[32] = terms * 0xffffffffLL;
  w[33] = -terms * 0xffffffffLL;
  ExactSum reference = heavy;
  reference.normalize();
  reference.add(2.0);
  heavy.add(1.0);
  heavy.add(1.0);  // the 2^30th term: normalises
  EXPECT_EQ(heavy.words()[ExactSum::limb_count + 3], 1);
  EXPECT_TRUE(same_bits(heavy.value(), reference.value()));
  EXPECT_TRUE(std::isfinite(heavy.value()));
}

}  // namespace

#include "partita/rng.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <set>

namespace {

using partita::Rng;

// Random123's published known-answer vector for philox4x32, 10 rounds.
TEST(Rng, PhiloxKnownAnswerZero) {
  const Rng::Block out = Rng::philox({0, 0, 0, 0}, 0);
  EXPECT_EQ(out, (Rng::Block{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
}

TEST(Rng, PhiloxKnownAnswerOnes) {
  const Rng::Block out = Rng::philox({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, 0xffffffffffffffffULL);
  EXPECT_EQ(out, (Rng::Block{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
}

// Stream (seed 0, task 0, stream 0) starts at counter 0, key 0: its first
// words are the known-answer block.
TEST(Rng, FirstWordsOfStreamZeroAreTheKnownAnswer) {
  Rng rng(0, 0);
  EXPECT_EQ(rng.next_u32(), 0x6627e8d5u);
  EXPECT_EQ(rng.next_u32(), 0xe169c58du);
  EXPECT_EQ(rng.next_u32(), 0xbc57ac4cu);
  EXPECT_EQ(rng.next_u32(), 0x9b00dbd8u);
}

// A uniform double takes the top 53 bits of two words, high word first.
TEST(Rng, UniformIsBuiltFromTwoWords) {
  Rng rng(0, 0);
  const double expected = static_cast<double>(((std::uint64_t{0x6627e8d5} << 32) | 0xe169c58d) >> 11) * 0x1.0p-53;
  EXPECT_EQ(rng.uniform(), expected);
}

TEST(Rng, SameKeySameNumbers) {
  Rng a(42, 7, 3), b(42, 7, 3);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.uniform(), b.uniform());
}

TEST(Rng, SeedTaskAndStreamEachChangeTheNumbers) {
  const double base = Rng(1, 2, 3).uniform();
  EXPECT_NE(Rng(2, 2, 3).uniform(), base);
  EXPECT_NE(Rng(1, 3, 3).uniform(), base);
  EXPECT_NE(Rng(1, 2, 4).uniform(), base);
  // The high half of a 64-bit task id matters too.
  EXPECT_NE(Rng(1, 2 + (std::uint64_t{1} << 32), 3).uniform(), base);
}

TEST(Rng, UniformStaysInHalfOpenUnitInterval) {
  Rng rng(9, 9);
  double sum = 0.0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  // Mean 1/2, standard error sqrt(1/12/n): 5 standard errors.
  EXPECT_NEAR(sum / n, 0.5, 5.0 * std::sqrt(1.0 / 12.0 / n));
}

TEST(Rng, NormalHasMeanZeroAndUnitVariance) {
  Rng rng(5, 11);
  const int n = 200000;
  double sum = 0.0, squares = 0.0;
  for (int i = 0; i < n; ++i) {
    const double z = rng.normal();
    ASSERT_TRUE(std::isfinite(z));
    sum += z;
    squares += z * z;
  }
  EXPECT_NEAR(sum / n, 0.0, 5.0 / std::sqrt(n));
  EXPECT_NEAR(squares / n, 1.0, 5.0 * std::sqrt(2.0 / n));
}

TEST(Rng, BlocksDoNotRepeatWithinAStream) {
  Rng rng(3, 4);
  std::set<std::uint32_t> seen;
  for (int i = 0; i < 4096; ++i) seen.insert(rng.next_u32());
  EXPECT_GT(seen.size(), 4090u);  // 32-bit words: a handful of collisions at most
}

}  // namespace

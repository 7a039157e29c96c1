// The reproducible reductions across ranks: the same bits as a one-rank,
// one-thread reference for every split of the same global vector, at every
// rank and thread count ctest runs this under.
#include "partita/kernels/reduce.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "mpi_test.hpp"
#include "partita/context.hpp"
#include "partita/rng.hpp"
#include "split.hpp"

namespace {

namespace reduce = partita::kernels::reduce;
using partita::testing::on_all_ranks;
using partita::testing::ranks_failing;
using partita::testing::Split;

constexpr double inf = std::numeric_limits<double>::infinity();

bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

// 2^18 values: 65536 per rank at 4 ranks, enough for 2 threads each.
constexpr std::size_t global_n = std::size_t{1} << 18;

// Value i of the global vector: a normal draw over 2^-100..2^100, so the
// order of naive additions matters; value i of a second vector for dot.
std::vector<double> global_vector(std::uint64_t seed) {
  std::vector<double> x(global_n);
  for (std::size_t i = 0; i < global_n; ++i) {
    partita::Rng rng(seed, i);
    x[i] = std::ldexp(rng.normal(), static_cast<int>(rng.next_u32() % 200) - 100);
  }
  return x;
}

const std::vector<double>& xs() {
  static const std::vector<double> x = global_vector(1);
  return x;
}
const std::vector<double>& ys() {
  static const std::vector<double> y = global_vector(2);
  return y;
}

class ReduceSplit : public ::testing::TestWithParam<Split> {};

TEST_P(ReduceSplit, SameBitsAsOneRankOneThread) {
  const partita::Context ctx(MPI_COMM_WORLD);
  const auto x = partita::testing::my_part(xs(), GetParam(), ctx.rank(), ctx.size());
  const auto y = partita::testing::my_part(ys(), GetParam(), ctx.rank(), ctx.size());
  const double sum = reduce::sum(ctx, x);
  const double dot = reduce::dot(ctx, x, y);
  const double norm = reduce::norm2(ctx, x);
  const bool ok = same_bits(sum, reduce::sum(xs(), 1)) && same_bits(dot, reduce::dot(xs(), ys(), 1)) &&
                  same_bits(norm, reduce::norm2(xs(), 1));
  ASSERT_TRUE(on_all_ranks(ok)) << "sum " << sum << " dot " << dot << " norm " << norm << " (" << ctx.threads()
                                << " threads) differ from the serial reference on ranks " << ranks_failing(ok);
}

// A vector with a known exact sum: pairs +a, -a (|a| up to 2^60) and the
// integers 1..100, spread over the ranks by the split.
TEST_P(ReduceSplit, KnownExactSumAndDot) {
  const partita::Context ctx(MPI_COMM_WORLD);
  std::vector<double> all;
  std::vector<double> ones;
  for (std::size_t i = 0; i < 40000; ++i) {
    partita::Rng rng(3, i);
    const double a = std::ldexp(rng.normal(), static_cast<int>(rng.next_u32() % 120) - 60);
    all.push_back(a);
    all.push_back(-a);
  }
  for (int i = 1; i <= 100; ++i) all.push_back(i);
  ones.assign(all.size(), 1.0);
  const auto x = partita::testing::my_part(all, GetParam(), ctx.rank(), ctx.size());
  const auto one = partita::testing::my_part(ones, GetParam(), ctx.rank(), ctx.size());
  const double sum = reduce::sum(ctx, x);
  const double dot = reduce::dot(ctx, x, one);
  const bool ok = sum == 5050.0 && dot == 5050.0;
  ASSERT_TRUE(on_all_ranks(ok)) << "sum " << sum << ", dot " << dot << " (want 5050) on ranks "
                                << ranks_failing(ok);
}

INSTANTIATE_TEST_SUITE_P(Splits, ReduceSplit,
                         ::testing::Values(Split::even, Split::uneven, Split::last_rank, Split::strided),
                         [](const auto& split) { return std::string(partita::testing::name(split.param)); });

// 1e16 on the first rank, 1 in the middle, -1e16 on the last.
TEST(ReduceAcrossRanks, CatastrophicCancellationIsExact) {
  const partita::Context ctx(MPI_COMM_WORLD);
  std::vector<double> mine;
  if (ctx.rank() == 0) mine.push_back(1e16);
  if (ctx.rank() == ctx.size() / 2) mine.push_back(1.0);
  if (ctx.rank() == ctx.size() - 1) mine.push_back(-1e16);
  const double sum = reduce::sum(ctx, mine);
  ASSERT_TRUE(on_all_ranks(sum == 1.0)) << "sum " << sum << " on ranks " << ranks_failing(sum == 1.0);
}

TEST(ReduceAcrossRanks, SpecialValuesOnOneRankReachEveryRank) {
  const partita::Context ctx(MPI_COMM_WORLD);
  const int last = ctx.size() - 1;
  std::vector<double> mine(1000, 1.0);
  if (ctx.rank() == last) mine[500] = inf;
  const double with_inf = reduce::sum(ctx, mine);
  if (ctx.rank() == 0) mine[10] = -inf;
  const double both_infs = reduce::sum(ctx, mine);
  mine.assign(1000, 1.0);
  if (ctx.rank() == last) mine[3] = std::numeric_limits<double>::quiet_NaN();
  const double with_nan = reduce::dot(ctx, mine, mine);
  const bool ok = with_inf == inf && std::isnan(both_infs) && std::isnan(with_nan);
  ASSERT_TRUE(on_all_ranks(ok)) << with_inf << " " << both_infs << " " << with_nan << " on ranks "
                                << ranks_failing(ok);
}

TEST(ReduceAcrossRanks, EmptyEverywhereIsPositiveZero) {
  const partita::Context ctx(MPI_COMM_WORLD);
  const std::vector<double> none;
  // Every collective runs on every rank before any check (no && between calls).
  const double sum = reduce::sum(ctx, none);
  const double dot = reduce::dot(ctx, none, none);
  const double norm = reduce::norm2(ctx, none);
  const double fast = reduce::fast_sum(ctx, none);
  const bool ok = same_bits(sum, 0.0) && same_bits(dot, 0.0) && same_bits(norm, 0.0) && fast == 0.0;
  ASSERT_TRUE(on_all_ranks(ok)) << "on ranks " << ranks_failing(ok);
}

// A mismatch on one rank must not leave the others waiting: all throw, and
// the communicator still works afterwards.
TEST(ReduceAcrossRanks, LengthMismatchOnOneRankThrowsOnEveryRank) {
  const partita::Context ctx(MPI_COMM_WORLD);
  const std::vector<double> x(100, 1.0);
  const std::vector<double> y(ctx.rank() == ctx.size() - 1 ? 99 : 100, 1.0);
  bool threw = false;
  bool fast_threw = false;
  try {
    reduce::dot(ctx, x, y);
  } catch (const partita::InvalidArgument&) {
    threw = true;
  }
  try {
    reduce::fast_dot(ctx, x, y);
  } catch (const partita::InvalidArgument&) {
    fast_threw = true;
  }
  ASSERT_TRUE(on_all_ranks(threw && fast_threw)) << "no exception on ranks " << ranks_failing(threw && fast_threw);
  const double dot = reduce::dot(ctx, x, x);
  ASSERT_TRUE(on_all_ranks(dot == 100.0 * ctx.size()));
}

// The sum of squares overflows (or underflows): every rank must take the
// scaled path together, and agree with one rank.
TEST(ReduceAcrossRanks, NormScalesOnEveryRankTogether) {
  const partita::Context ctx(MPI_COMM_WORLD);
  for (const double scale : {1e300, 1e-300}) {
    std::vector<double> all;
    for (int i = 0; i < 64; ++i) all.push_back(scale * (1 + i % 7));
    const auto mine = partita::testing::my_part(all, Split::uneven, ctx.rank(), ctx.size());
    const double norm = reduce::norm2(ctx, mine);
    const double one_rank = reduce::norm2(all, 1);
    const bool ok = same_bits(norm, one_rank) && std::isfinite(norm) && norm > 0.0;
    ASSERT_TRUE(on_all_ranks(ok)) << "norm " << norm << " vs " << one_rank << " on ranks " << ranks_failing(ok);
  }
}

TEST(ReduceAcrossRanks, FastVariantsAgreeWithinTheNaiveBound) {
  const partita::Context ctx(MPI_COMM_WORLD);
  std::vector<double> all(100000);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = partita::Rng(4, i).uniform(-1.0, 1.0);
  const auto mine = partita::testing::my_part(all, Split::even, ctx.rank(), ctx.size());
  const double bound = static_cast<double>(all.size()) * std::numeric_limits<double>::epsilon() *
                       static_cast<double>(all.size());  // n eps sum |x|, with |x| <= 1
  const double fast_sum = reduce::fast_sum(ctx, mine);
  const double sum = reduce::sum(ctx, mine);
  const double fast_dot = reduce::fast_dot(ctx, mine, mine);
  const double dot = reduce::dot(ctx, mine, mine);
  const double fast_norm = reduce::fast_norm2(ctx, mine);
  const double norm = reduce::norm2(ctx, mine);
  const bool ok = std::fabs(fast_sum - sum) <= bound && std::fabs(fast_dot - dot) <= bound &&
                  std::fabs(fast_norm - norm) <= 1e-9 * norm;
  ASSERT_TRUE(on_all_ranks(ok)) << "on ranks " << ranks_failing(ok);
}

}  // namespace

#include "partita/map_reduce.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>

#include "mpi_test.hpp"
#include "partita/context.hpp"
#include "partita/kernels/monte_carlo.hpp"
#include "partita/rng.hpp"

namespace {

using partita::Partition;
using partita::testing::on_all_ranks;
using partita::testing::ranks_failing;

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Terms whose floating-point sum depends on the order of addition.
double term(std::uint64_t id) {
  partita::Rng rng(99, id);
  return rng.normal() * std::pow(10.0, static_cast<double>(id % 17) - 8.0);
}

const auto plus = [](double a, double b) { return a + b; };

// The serial reference: one rank (MPI_COMM_SELF) and one thread.
double serial_sum(std::uint64_t n, partita::ReduceOptions options) {
  const partita::Context serial(MPI_COMM_SELF, 1);
  return partita::map_reduce(serial, n, term, plus, options);
}

class MapReduce : public ::testing::TestWithParam<Partition> {};

TEST_P(MapReduce, BitwiseEqualToTheSerialReferenceAtAnyLayout) {
  const partita::Context ctx(MPI_COMM_WORLD);
  for (std::uint64_t n : {1, 2, 3, 100, 4097, 50000}) {
    for (std::uint64_t block : {0, 1, 7}) {
      const partita::ReduceOptions options{block, GetParam()};
      const double parallel = partita::map_reduce(ctx, n, term, plus, options);
      const double reference = serial_sum(n, {block, Partition::block});
      const bool ok = same_bits(parallel, reference);
      ASSERT_TRUE(on_all_ranks(ok)) << "n = " << n << ", block " << block << ": " << parallel
                                    << " differs from the serial " << reference << " on ranks "
                                    << ranks_failing(ok);
    }
  }
}

// Exact arithmetic has one right answer: the sum of 0..n-1.
TEST_P(MapReduce, IntegerSumIsExact) {
  const partita::Context ctx(MPI_COMM_WORLD);
  const std::uint64_t n = 1'000'003;
  const auto sum = partita::map_reduce(ctx, n, [](std::uint64_t id) { return id; },
                                       [](std::uint64_t a, std::uint64_t b) { return a + b; }, {0, GetParam()});
  const bool ok = sum == n * (n - 1) / 2;
  ASSERT_TRUE(on_all_ranks(ok)) << "sum " << sum << " on ranks " << ranks_failing(ok);
}

// A struct result: Monte Carlo pi pooled over tasks, like a user would.
struct Hits {
  double inside;
  double samples;
};

TEST_P(MapReduce, PooledMonteCarloPiIsAccurateAndReproducible) {
  const partita::Context ctx(MPI_COMM_WORLD);
  const std::uint64_t tasks = 64, samples = 20000;
  const auto map = [&](std::uint64_t id) {
    partita::Rng rng(7, id);
    const auto e = partita::kernels::monte_carlo::pi(samples, rng);
    return Hits{e.value / 4.0 * samples, static_cast<double>(samples)};
  };
  const auto reduce = [](Hits a, Hits b) { return Hits{a.inside + b.inside, a.samples + b.samples}; };
  const Hits all = partita::map_reduce(ctx, tasks, map, reduce, {0, GetParam()});
  const partita::Context serial(MPI_COMM_SELF, 1);
  const Hits reference = partita::map_reduce(serial, tasks, map, reduce);
  const double p = all.inside / all.samples;
  const double se = 4.0 * std::sqrt(p * (1 - p) / all.samples);
  const bool ok = same_bits(all.inside, reference.inside) && std::abs(4.0 * p - std::numbers::pi) < 5.0 * se;
  ASSERT_TRUE(on_all_ranks(ok)) << "pi " << 4.0 * p << " on ranks " << ranks_failing(ok);
}

TEST_P(MapReduce, EmptyRangeGivesTheDefaultValue) {
  const partita::Context ctx(MPI_COMM_WORLD);
  const double sum = partita::map_reduce(ctx, 0, term, plus, {0, GetParam()});
  ASSERT_TRUE(on_all_ranks(sum == 0.0));
}

// A map that throws on one rank makes every rank throw: nobody is left
// waiting in a collective.
TEST_P(MapReduce, FailureOnOneRankReachesEveryRank) {
  const partita::Context ctx(MPI_COMM_WORLD);
  const std::uint64_t n = 40;
  bool threw = false;
  try {
    partita::map_reduce(ctx, n, [](std::uint64_t id) -> double {
      if (id == 39) throw std::runtime_error("id 39 failed");
      return 1.0;
    }, plus, {1, GetParam()});
  } catch (const std::exception&) {
    threw = true;
  }
  ASSERT_TRUE(on_all_ranks(threw)) << "no exception on ranks " << ranks_failing(threw);
  // And the communicator still works afterwards.
  const double sum = partita::map_reduce(ctx, n, [](std::uint64_t) { return 1.0; }, plus);
  ASSERT_TRUE(on_all_ranks(sum == 40.0));
}

INSTANTIATE_TEST_SUITE_P(Schedules, MapReduce, ::testing::Values(Partition::block, Partition::cyclic));

}  // namespace

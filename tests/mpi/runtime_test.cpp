#include "partita/runtime.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "mpi_test.hpp"

namespace {

using partita::testing::on_all_ranks;
using partita::testing::ranks_failing;

// mpi_gtest_main initialised MPI, as a host code would: the Runtime must
// adopt it, work on a duplicate and leave MPI running when it goes.
TEST(Runtime, AdoptsTheHostsMpiAndDoesNotFinalise) {
  {
    const partita::Runtime runtime;
    EXPECT_FALSE(runtime.began_mpi());
    int result = MPI_UNEQUAL;
    MPI_Comm_compare(runtime.comm(), MPI_COMM_WORLD, &result);
    EXPECT_EQ(result, MPI_CONGRUENT);  // same group, different context
  }
  int finalized = 1;
  MPI_Finalized(&finalized);
  EXPECT_EQ(finalized, 0);
  EXPECT_TRUE(on_all_ranks(true));  // and MPI still works
}

TEST(Runtime, RunsOnTheCommunicatorItIsGiven) {
  int world_rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  MPI_Comm half;
  MPI_Comm_split(MPI_COMM_WORLD, world_rank % 2, world_rank, &half);
  int half_size = 0, half_rank = 0;
  MPI_Comm_size(half, &half_size);
  MPI_Comm_rank(half, &half_rank);
  {
    const partita::Runtime runtime(partita::RuntimeOptions{half, 1});
    const auto& ctx = runtime.context();
    const bool ok = ctx.size() == half_size && ctx.rank() == half_rank && ctx.threads() == 1;
    EXPECT_TRUE(ok);
  }
  MPI_Comm_free(&half);
}

TEST(Context, KnowsRankSizeAndNode) {
  const partita::Context ctx(MPI_COMM_WORLD);
  int rank = 0, size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  // All test ranks share this machine, so node rank = rank and node size = size.
  const bool ok = ctx.rank() == rank && ctx.size() == size && ctx.node_rank() == rank && ctx.node_size() == size;
  ASSERT_TRUE(on_all_ranks(ok)) << "wrong context on ranks " << ranks_failing(ok);
}

TEST(Context, ThreadsFollowOmpNumThreadsWithinTheMask) {
  const partita::Context ctx(MPI_COMM_WORLD);
  const char* env = std::getenv("OMP_NUM_THREADS");
  const int wanted = env ? std::atoi(env) : partita::cpus_in_affinity_mask();
  const int expected = std::min(wanted, partita::cpus_in_affinity_mask());
  const bool ok = ctx.threads() == expected && ctx.threads() >= 1;
  ASSERT_TRUE(on_all_ranks(ok)) << "thread count wrong on ranks " << ranks_failing(ok);
}

}  // namespace

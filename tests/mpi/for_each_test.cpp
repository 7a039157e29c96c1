#include "partita/for_each.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "mpi_test.hpp"
#include "partita/context.hpp"
#include "partita/gather.hpp"

namespace {

using partita::Schedule;
using partita::testing::on_all_ranks;
using partita::testing::ranks_failing;

class ForEach : public ::testing::TestWithParam<Schedule> {};

// Each id runs exactly once across all ranks and threads.
TEST_P(ForEach, RunsEveryIdExactlyOnce) {
  const partita::Context ctx(MPI_COMM_WORLD);
  for (std::uint64_t n : {0, 1, 5, 97, 1000}) {
    std::vector<int> counts(n, 0);  // each id is written by the one thread that owns it
    const auto stats = partita::for_each(ctx, n, [&](std::uint64_t id) { ++counts[id]; }, GetParam());
    std::vector<int> total(n, 0);
    MPI_Allreduce(counts.data(), total.data(), static_cast<int>(n), MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    bool ok = stats.threads.size() == static_cast<std::size_t>(ctx.threads());
    for (std::uint64_t id = 0; id < n; ++id) ok = ok && total[id] == 1;
    std::uint64_t mine = stats.tasks(), all = 0;
    MPI_Allreduce(&mine, &all, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    ok = ok && all == n;
    ASSERT_TRUE(on_all_ranks(ok)) << "n = " << n << ": wrong cover on ranks " << ranks_failing(ok);
  }
}

// Values computed where they are owned come back to rank 0 in id order.
TEST_P(ForEach, GatherOwnedRestoresIdOrder) {
  const partita::Context ctx(MPI_COMM_WORLD);
  const std::uint64_t n = 103;
  const auto mine = partita::split(partita::all_ids(n), ctx.size(), ctx.rank(), GetParam());
  std::vector<double> local(mine.count * 2);
  partita::for_each(ctx, n, [&](std::uint64_t id) {
    local[mine.index_of(id) * 2] = static_cast<double>(id);
    local[mine.index_of(id) * 2 + 1] = -static_cast<double>(id);
  }, GetParam());
  const auto all = partita::gather_owned<double>(ctx, local, n, 2, GetParam());
  bool ok = ctx.rank() == 0 ? all.size() == 2 * n : all.empty();
  for (std::uint64_t id = 0; ok && id < all.size() / 2; ++id) {
    ok = all[2 * id] == static_cast<double>(id) && all[2 * id + 1] == -static_cast<double>(id);
  }
  ASSERT_TRUE(on_all_ranks(ok)) << "gather wrong on ranks " << ranks_failing(ok);
}

TEST_P(ForEach, RethrowsTheLowestFailingIdOnItsRank) {
  const partita::Context ctx(MPI_COMM_WORLD);
  const std::uint64_t n = 64;
  const auto mine = partita::split(partita::all_ids(n), ctx.size(), ctx.rank(), GetParam());
  std::string message;
  try {
    partita::for_each(ctx, n, [](std::uint64_t id) {
      if (id % 8 == 3) throw std::runtime_error("bad " + std::to_string(id));
    }, GetParam());
  } catch (const std::runtime_error& e) {
    message = e.what();
  }
  // With one thread the lowest failing id of this rank's share is certain;
  // with several, threads may stop before reaching it, but the error is one
  // of this rank's failing ids.
  std::uint64_t lowest = n;
  for (std::uint64_t k = 0; k < mine.count; ++k) {
    if (mine[k] % 8 == 3) lowest = std::min(lowest, mine[k]);
  }
  bool ok = lowest == n ? message.empty() : !message.empty();
  if (ok && ctx.threads() == 1 && lowest < n) ok = message == "bad " + std::to_string(lowest);
  ASSERT_TRUE(on_all_ranks(ok)) << "wrong error on ranks " << ranks_failing(ok);
}

INSTANTIATE_TEST_SUITE_P(Schedules, ForEach, ::testing::Values(Schedule::block, Schedule::cyclic));

}  // namespace

#include "partita/for_each.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <atomic>
#include <chrono>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "mpi_test.hpp"
#include "partita/context.hpp"
#include "partita/gather.hpp"
#include "partita/worker.hpp"

namespace {

using partita::Partition;
using partita::Schedule;
using partita::testing::on_all_ranks;
using partita::testing::ranks_failing;

const char* const all_schedules[] = {"static", "cyclic", "dynamic", "dynamic:7", "guided", "auto"};

class ForEach : public ::testing::TestWithParam<const char*> {
 protected:
  Schedule schedule() const { return Schedule::parse(GetParam()); }
};

// Each id runs exactly once across all ranks and threads.
TEST_P(ForEach, RunsEveryIdExactlyOnce) {
  const partita::Context ctx(MPI_COMM_WORLD);
  for (std::uint64_t n : {0, 1, 5, 97, 1000, 20000}) {
    std::vector<int> counts(n, 0);  // each id is written by the one thread that runs it
    const auto stats = partita::for_each(ctx, n, [&](std::uint64_t id) { ++counts[id]; }, schedule());
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

// Per-worker storage and gather_by_id bring every result to rank 0 in id
// order, whoever computed it.
TEST_P(ForEach, GatherByIdRestoresIdOrder) {
  const partita::Context ctx(MPI_COMM_WORLD);
  const std::uint64_t n = 1003;
  std::vector<std::vector<std::uint64_t>> ids(ctx.threads());
  std::vector<std::vector<double>> values(ctx.threads());
  bool workers_ok = true;
  partita::for_each(ctx, n, [&](std::uint64_t id) {
    const int w = partita::current_worker();
    if (w < 0 || w >= ctx.threads()) {
      workers_ok = false;  // benign if racy: it only ever goes false
      return;
    }
    ids[w].push_back(id);
    values[w].push_back(static_cast<double>(id) * 0.5);
  }, schedule());
  std::vector<std::uint64_t> all_ids;
  std::vector<double> all_values;
  for (int w = 0; w < ctx.threads(); ++w) {
    all_ids.insert(all_ids.end(), ids[w].begin(), ids[w].end());
    all_values.insert(all_values.end(), values[w].begin(), values[w].end());
  }
  const auto gathered = partita::gather_by_id<double>(ctx, all_ids, all_values, n, 1);
  bool ok = workers_ok && partita::current_worker() == -1 && (ctx.rank() == 0 ? gathered.size() == n : gathered.empty());
  for (std::uint64_t id = 0; ok && id < gathered.size(); ++id) ok = gathered[id] == static_cast<double>(id) * 0.5;
  ASSERT_TRUE(on_all_ranks(ok)) << "gather wrong on ranks " << ranks_failing(ok);
}

// A stop flag raised on one rank (as a signal handler would) ends the loop
// everywhere: no id runs twice, the ranks return normally, and the rank
// that stopped says so.
TEST_P(ForEach, StopFlagEndsTheLoopWithoutLosingTrack) {
  const partita::Context ctx(MPI_COMM_WORLD);
  const std::uint64_t n = 2000;
  std::atomic<bool> stop{false};
  std::vector<int> counts(n, 0);
  std::atomic<int> done{0};
  partita::ForEachOptions options{schedule(), {}, {}, 1, &stop};
  const auto stats = partita::for_each(ctx, n, [&](std::uint64_t id) {
    ++counts[id];
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    if (ctx.rank() == 0 && done.fetch_add(1) == 5) stop.store(true);
  }, options);
  std::vector<int> total(n, 0);
  MPI_Allreduce(counts.data(), total.data(), static_cast<int>(n), MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  bool ok = true;
  std::uint64_t ran = 0;
  for (int c : total) {
    ok = ok && c <= 1;
    ran += static_cast<std::uint64_t>(c);
  }
  if (ctx.rank() == 0) ok = ok && stats.stopped;
  // Static ranks that were not told keep going; under a dynamic schedule
  // the others stop receiving work, so far fewer than n tasks ran.
  if (!schedule().is_static()) ok = ok && ran < n;
  ASSERT_TRUE(on_all_ranks(ok)) << "stop went wrong on ranks " << ranks_failing(ok) << " (" << ran << " ran)";
}

INSTANTIATE_TEST_SUITE_P(Schedules, ForEach, ::testing::ValuesIn(all_schedules),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           for (char& c : name) c = c == ':' ? '_' : c;
                           return name;
                         });

// Values computed where a static partition puts them come back in id order.
TEST(GatherOwned, RestoresIdOrder) {
  const partita::Context ctx(MPI_COMM_WORLD);
  for (Partition partition : {Partition::block, Partition::cyclic}) {
    const std::uint64_t n = 103;
    const auto mine = partita::split(partita::all_ids(n), ctx.size(), ctx.rank(), partition);
    std::vector<double> local(mine.count * 2);
    for (std::uint64_t k = 0; k < mine.count; ++k) {
      local[2 * k] = static_cast<double>(mine[k]);
      local[2 * k + 1] = -static_cast<double>(mine[k]);
    }
    const auto all = partita::gather_owned<double>(ctx, local, n, 2, partition);
    bool ok = ctx.rank() == 0 ? all.size() == 2 * n : all.empty();
    for (std::uint64_t id = 0; ok && id < all.size() / 2; ++id) {
      ok = all[2 * id] == static_cast<double>(id) && all[2 * id + 1] == -static_cast<double>(id);
    }
    ASSERT_TRUE(on_all_ranks(ok)) << "gather wrong on ranks " << ranks_failing(ok);
  }
}

// The order option decides which ids start first.
TEST(DynamicOrder, StartsIdsInTheGivenOrder) {
  const partita::Context ctx(MPI_COMM_SELF, 1);
  const std::uint64_t n = 50;
  std::vector<std::uint64_t> order(n);
  std::iota(order.rbegin(), order.rend(), 0);  // n-1, ..., 0
  std::vector<std::uint64_t> seen;
  partita::for_each(ctx, n, [&](std::uint64_t id) { seen.push_back(id); },
                    partita::ForEachOptions{Schedule::parse("dynamic:3"), order, {}});
  EXPECT_EQ(seen, order);
}

// A worker that needs work gets it from rank 0's communication thread while
// rank 0's workers are busy: no rank waits for another rank's task. Tasks
// take 20 ms; a worker may wait for a message, never for a task.
TEST(DynamicIdle, NoWorkerWaitsBehindATask) {
  const partita::Context ctx(MPI_COMM_WORLD);
  const auto task = std::chrono::milliseconds(20);
  const std::uint64_t n = 6 * static_cast<std::uint64_t>(ctx.size() * ctx.threads());
  const auto stats = partita::for_each(ctx, n, [&](std::uint64_t) { std::this_thread::sleep_for(task); },
                                       Schedule::parse("dynamic"));
  double worst = 0.0;
  for (const auto& t : stats.threads) worst = std::max(worst, t.idle_seconds);
  // Generous: half a task over the whole loop, on an oversubscribed machine.
  const bool ok = worst < 0.5 * std::chrono::duration<double>(task).count();
  ASSERT_TRUE(on_all_ranks(ok)) << "a worker idled " << worst << " s on ranks " << ranks_failing(ok);
}

// With threads_per_task = T, a rank runs threads / T tasks at once and each
// task's own parallel regions get T threads: never more than the rank has.
TEST(ThreadsPerTask, TasksGetTheirThreadsAndNoMore) {
  const partita::Context ctx(MPI_COMM_WORLD);
  const int per_task = ctx.threads();
  const int workers = partita::workers_per_rank(ctx, per_task);
  std::vector<int> widest(workers, 0);
  std::vector<int> bad(workers, 0);
  partita::ForEachOptions options{Schedule::parse("dynamic"), {}, {}, per_task};
  partita::for_each(ctx, 40, [&](std::uint64_t) {
    const int w = partita::current_worker();
    if (omp_get_max_threads() != per_task) bad[w] = 1;
    int team = 0;
#pragma omp parallel
    {
#pragma omp single
      team = omp_get_num_threads();
    }
    widest[w] = std::max(widest[w], team);
  }, options);
  bool ok = workers == 1 || per_task == 1;
  for (int w = 0; w < workers; ++w) ok = ok && bad[w] == 0 && widest[w] == per_task;
  ASSERT_TRUE(on_all_ranks(ok)) << "threads per task wrong on ranks " << ranks_failing(ok);
}

}  // namespace

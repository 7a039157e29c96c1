// A task that throws on one rank makes every rank throw, under every
// schedule, and nobody hangs: the rank that ran it rethrows its own
// exception, the others a partita::Error naming that rank and its message.
#include <gtest/gtest.h>
#include <mpi.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "mpi_test.hpp"
#include "partita/context.hpp"
#include "partita/error.hpp"
#include "partita/for_each.hpp"

namespace {

using partita::Schedule;
using partita::testing::on_all_ranks;
using partita::testing::ranks_failing;

const char* const all_schedules[] = {"static", "cyclic", "dynamic", "dynamic:7", "guided", "auto"};

class ForEachFailure : public ::testing::TestWithParam<const char*> {
 protected:
  Schedule schedule() const { return Schedule::parse(GetParam()); }
};

// What one rank caught from a loop: its own exception, or one relayed from
// another rank (a partita::Error), or nothing.
struct Caught {
  bool own = false;
  bool relayed = false;
  std::string message;
};

template <class Loop>
Caught catch_from(Loop&& loop) {
  try {
    loop();
  } catch (const partita::Error& e) {
    return {false, true, e.what()};
  } catch (const std::exception& e) {
    return {true, false, e.what()};
  }
  return {};
}

// Every id of [0, n) runs exactly once across the ranks: the communicator
// is clean after a failed loop.
bool next_loop_covers_every_id(const partita::Context& ctx, Schedule schedule) {
  const std::uint64_t n = 300;
  std::vector<int> counts(n, 0);
  partita::for_each(ctx, n, [&](std::uint64_t id) { ++counts[id]; }, schedule);
  std::vector<int> total(n, 0);
  MPI_Allreduce(counts.data(), total.data(), static_cast<int>(n), MPI_INT, MPI_SUM, ctx.comm());
  bool ok = true;
  for (int c : total) ok = ok && c == 1;
  return ok;
}

// Exactly one id fails, so exactly one rank sees the exception itself; under
// a static schedule the other ranks run their whole share, under a dynamic
// one they stop early. Before the fix, under the dynamic schedules, they
// returned normally.
TEST_P(ForEachFailure, OneFailingTaskMakesEveryRankThrow) {
  const partita::Context ctx(MPI_COMM_WORLD);
  const std::uint64_t n = 1000;
  const std::uint64_t bad = 617;
  std::atomic<bool> ran_bad{false};
  const Caught caught = catch_from([&] {
    partita::for_each(ctx, n, [&](std::uint64_t id) {
      if (id != bad) return;
      ran_bad.store(true);
      throw std::runtime_error("bad " + std::to_string(id));
    }, schedule());
  });
  int mine = ran_bad.load() ? 1 : 0, failing = 0;
  MPI_Allreduce(&mine, &failing, 1, MPI_INT, MPI_SUM, ctx.comm());
  int rank = ran_bad.load() ? ctx.rank() : ctx.size(), failing_rank = 0;
  MPI_Allreduce(&rank, &failing_rank, 1, MPI_INT, MPI_MIN, ctx.comm());
  const bool ok = failing == 1 &&
                  (ran_bad.load() ? caught.own && caught.message == "bad 617"
                                  : caught.relayed && caught.message == "for_each: rank " +
                                                                            std::to_string(failing_rank) +
                                                                            " failed: bad 617");
  ASSERT_TRUE(on_all_ranks(ok)) << "rank " << ctx.rank() << " caught '" << caught.message << "' (own "
                                << caught.own << ", relayed " << caught.relayed << "); " << failing
                                << " ranks ran the bad id; wrong on ranks " << ranks_failing(ok);
  ASSERT_TRUE(on_all_ranks(next_loop_covers_every_id(ctx, schedule())));
}

// Failures on several ranks at once: every rank throws; those that did not
// fail themselves name the lowest rank that did.
TEST_P(ForEachFailure, FailuresOnManyRanksMakeEveryRankThrow) {
  const partita::Context ctx(MPI_COMM_WORLD);
  const Caught caught = catch_from([&] {
    partita::for_each(ctx, 400, [](std::uint64_t id) {
      if (id % 50 == 7) throw std::runtime_error("bad " + std::to_string(id));
    }, schedule());
  });
  const bool ok = caught.own ? caught.message.rfind("bad ", 0) == 0
                             : caught.relayed && caught.message.rfind("for_each: rank ", 0) == 0 &&
                                   caught.message.find(" failed: bad ") != std::string::npos;
  ASSERT_TRUE(on_all_ranks(ok)) << "rank " << ctx.rank() << " caught '" << caught.message << "'; wrong on ranks "
                                << ranks_failing(ok);
  ASSERT_TRUE(on_all_ranks(next_loop_covers_every_id(ctx, schedule())));
}

// A failure on the last rank's first task, while the other ranks have long
// tasks ahead of them: they end too (static: after their share), and within
// the test's timeout.
TEST_P(ForEachFailure, FailureOnTheLastRankEndsSlowRanks) {
  const partita::Context ctx(MPI_COMM_WORLD);
  const int last = ctx.size() - 1;
  std::atomic<bool> threw{false};
  const Caught caught = catch_from([&] {
    partita::for_each(ctx, 64, [&](std::uint64_t) {
      if (ctx.rank() == last && !threw.exchange(true)) throw std::runtime_error("last rank gives up");
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }, schedule());
  });
  // The last rank may run no task at all (auto keeps a small loop on rank 0).
  int mine = threw.load() ? 1 : 0, any = 0;
  MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, ctx.comm());
  const std::string relayed = "for_each: rank " + std::to_string(last) + " failed: last rank gives up";
  const bool ok = any == 0 ? !caught.own && !caught.relayed
                           : (threw.load() ? caught.own : caught.relayed && caught.message == relayed);
  ASSERT_TRUE(on_all_ranks(ok)) << "rank " << ctx.rank() << " caught '" << caught.message << "'; wrong on ranks "
                                << ranks_failing(ok);
}

INSTANTIATE_TEST_SUITE_P(Schedules, ForEachFailure, ::testing::ValuesIn(all_schedules),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           for (char& c : name) c = c == ':' ? '_' : c;
                           return name;
                         });

}  // namespace

#include <omp.h>

#include <algorithm>
#include <chrono>

#include "first_failure.hpp"
#include "partita/detail/parallel_for.hpp"
#include "partita/worker.hpp"
#include "task_threads.hpp"

namespace partita::detail {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

WorkStats run_owned(const Context& ctx, std::uint64_t n, Partition partition,
                    FunctionRef<void(std::uint64_t)> body, const LoopControl& control) {
  const IdRange mine = split(all_ids(n), ctx.size(), ctx.rank(), partition);
  const int threads = control.workers > 0 ? control.workers : ctx.threads();
  const NestedThreads nested(control.threads_per_task);
  WorkStats stats;
  stats.threads.resize(threads);
  FirstFailure failure;
  const auto start = std::chrono::steady_clock::now();
  // Rank 0's main thread reports; its share's progress stands for all ranks'.
  ProgressTicker ticker(control.progress, n, ctx.rank() == 0);

#pragma omp parallel num_threads(threads)
  {
    const int thread = omp_get_thread_num();
    set_current_worker(thread);
    NestedThreads::enter_worker(control.threads_per_task);
    const auto thread_start = std::chrono::steady_clock::now();
    const IdRange ids = split(mine, omp_get_num_threads(), thread, partition);
    std::uint64_t done = 0;
    for (std::uint64_t k = 0; k < ids.count && !failure.happened() && !control.stop_requested(); ++k) {
      try {
        body(ids[k]);
        ++done;
      } catch (...) {
        failure.record(ids[k], std::current_exception());
      }
      if (thread == 0 && ticker.active() && ids.count > 0) {
        ticker.maybe_report(static_cast<std::uint64_t>(static_cast<double>(done) / static_cast<double>(ids.count) *
                                                       static_cast<double>(n)));
      }
    }
    // Each thread writes only its own slot: no sharing, no race.
    stats.threads[thread] = {done, ids.count > 0 ? 1u : 0u, seconds_since(thread_start), 0.0};
    set_current_worker(-1);
  }

  stats.wall_seconds = seconds_since(start);
  stats.stopped = stats.tasks() < mine.count && control.stop_requested();
  // A static split has no waiting for work, only waiting for the slowest
  // thread at the end.
  for (auto& t : stats.threads) t.idle_seconds = std::max(0.0, stats.wall_seconds - t.busy_seconds);
  const std::uint64_t share = (mine.count + threads - 1) / threads;
  stats.min_chunk = stats.max_chunk = share;
  failure.rethrow_if_any();
  return stats;
}

}  // namespace partita::detail

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <vector>

#include "chunk_policy.hpp"
#include "chunk_queue.hpp"
#include "chunk_service.hpp"
#include "dispenser.hpp"
#include "first_failure.hpp"
#include "partita/detail/parallel_for.hpp"
#include "partita/worker.hpp"
#include "task_threads.hpp"

namespace partita::detail {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Every rank starts with one chunk per worker, placed by rank order, so the
// first tasks need no message; rank 0 hands out what follows.
struct Start {
  Grant mine;
  std::uint64_t first_free = 0;
  std::uint64_t workers = 0;
};

Start starting_grants(const Context& ctx, std::uint64_t n, const Schedule& schedule, int mine) {
  std::vector<int> threads(ctx.size());
  MPI_Allgather(&mine, 1, MPI_INT, threads.data(), 1, MPI_INT, ctx.comm());
  std::uint64_t workers = 0;
  for (int t : threads) workers += static_cast<std::uint64_t>(t);
  const std::uint64_t chunk = ChunkPolicy(schedule, n, workers).initial_chunk();
  std::uint64_t begin = 0;
  for (int r = 0; r < ctx.rank(); ++r) begin += static_cast<std::uint64_t>(threads[r]) * chunk;
  const auto clamp = [n](std::uint64_t x) { return std::min(x, n); };
  const std::uint64_t end = begin + static_cast<std::uint64_t>(mine) * chunk;
  return {{clamp(begin), clamp(end) - clamp(begin), chunk}, clamp(workers * chunk), workers};
}

// One worker thread: takes chunks until the queue is finished.
void work(ChunkQueue& queue, CostMeter& meter, FirstFailure& failure, const LoopControl& control,
          std::span<const std::uint64_t> order,
          FunctionRef<void(std::uint64_t)> body, ThreadStats& stats, std::uint64_t& min_chunk,
          std::uint64_t& max_chunk, ProgressTicker* reporter) {
  while (const auto chunk = queue.take(stats.idle_seconds)) {
    ++stats.chunks;
    min_chunk = std::min(min_chunk, chunk->count);
    max_chunk = std::max(max_chunk, chunk->count);
    const auto start = Clock::now();
    std::uint64_t done = 0;
    for (std::uint64_t pos = chunk->begin; pos < chunk->begin + chunk->count; ++pos) {
      if (control.stop_requested()) {
        queue.abandon();  // start nothing more; the communication thread tells rank 0
        break;
      }
      const std::uint64_t id = order.empty() ? pos : order[pos];
      try {
        body(id);
        ++done;
      } catch (...) {
        failure.record(id, std::current_exception());
        queue.abandon();
        break;
      }
    }
    const auto end = Clock::now();
    stats.tasks += done;
    stats.busy_seconds += seconds_between(start, end);
    meter.tasks.fetch_add(done, std::memory_order_relaxed);
    meter.busy_ns.fetch_add(
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count()),
        std::memory_order_relaxed);
    if (reporter != nullptr) reporter->maybe_report(meter.tasks.load(std::memory_order_relaxed));
  }
}

}  // namespace

WorkStats run_dynamic(const Context& ctx, std::uint64_t n, const Schedule& schedule,
                      std::span<const std::uint64_t> order, FunctionRef<void(std::uint64_t)> body,
                      const LoopControl& control) {
  const auto start_time = Clock::now();
  const int threads = control.workers > 0 ? control.workers : ctx.threads();
  const NestedThreads nested(control.threads_per_task);
  const Start start = starting_grants(ctx, n, schedule, threads);
  const ChunkPolicy policy(schedule, n, start.workers);
  const bool alone = ctx.size() == 1;
  const auto low_water = static_cast<std::uint64_t>(threads);

  Dispenser dispenser(policy, schedule.kind == Schedule::Kind::automatic, n, start.first_free, ctx.size());
  CostMeter meter;
  // Alone, workers refill from the dispenser themselves (under the queue's
  // lock); with several ranks, the communication thread stocks the queue.
  ChunkQueue queue(low_water, alone ? std::function<Grant()>([&] {
    if (control.stop_requested()) return Grant{};
    dispenser.record(0, meter.tasks.load(std::memory_order_relaxed),
                     static_cast<double>(meter.busy_ns.load(std::memory_order_relaxed)) * 1e-9);
    return dispenser.grant(low_water);
  })
                         : std::function<Grant()>());
  queue.add(start.mine);
  if (alone && start.first_free >= n) queue.close();

  WorkStats stats;
  stats.threads.resize(threads);
  std::vector<std::uint64_t> min_chunk(threads, std::numeric_limits<std::uint64_t>::max());
  std::vector<std::uint64_t> max_chunk(threads, 0);
  FirstFailure failure;
  ProgressTicker ticker(control.progress, n, ctx.rank() == 0);
  // The main thread (OpenMP thread 0, the one that initialised MPI) talks;
  // the others compute. Alone, all threads compute.
  const int team_size = alone ? threads : threads + 1;

#pragma omp parallel num_threads(team_size)
  {
    const int thread = omp_get_thread_num();
    if (!alone && thread == 0) {
      if (ctx.rank() == 0) {
        stats.spread = serve_chunks(ctx, dispenser, queue, meter, ticker, control);
      } else {
        request_chunks(ctx, queue, meter, control);
      }
    } else {
      const int worker = alone ? thread : thread - 1;
      set_current_worker(worker);
      NestedThreads::enter_worker(control.threads_per_task);
      // Alone, the main thread is worker 0 and reports between chunks.
      ProgressTicker* reporter = alone && worker == 0 ? &ticker : nullptr;
      work(queue, meter, failure, control, order, body, stats.threads[worker], min_chunk[worker],
           max_chunk[worker], reporter);
      set_current_worker(-1);
    }
  }

  stats.wall_seconds = seconds_between(start_time, Clock::now());
  stats.stopped = control.stop_requested() && (queue.abandoned() || stats.tasks() < n);
  stats.min_chunk = *std::min_element(min_chunk.begin(), min_chunk.end());
  if (stats.min_chunk == std::numeric_limits<std::uint64_t>::max()) stats.min_chunk = 0;
  stats.max_chunk = *std::max_element(max_chunk.begin(), max_chunk.end());
  failure.rethrow_if_any();
  return stats;
}

}  // namespace partita::detail

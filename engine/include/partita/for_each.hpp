// Runs a function once for every task id of [0, n), spread over the ranks of
// a Context and the OpenMP threads of each rank, under a chosen schedule.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <span>
#include <utility>

#include "partita/agree.hpp"
#include "partita/context.hpp"
#include "partita/detail/parallel_for.hpp"
#include "partita/progress.hpp"
#include "partita/schedule.hpp"
#include "partita/work_stats.hpp"

namespace partita {

struct ForEachOptions {
  Schedule schedule;
  /// Dynamic schedules only: the ids in the order to start them (a
  /// permutation of [0, n)), e.g. most expensive first to shorten the tail.
  /// Empty: id order. Must stay valid during the call.
  std::span<const std::uint64_t> order;
  /// Reports on rank 0 while the loop runs (see progress.hpp).
  ProgressOptions progress;
  /// OpenMP threads inside each task: the rank runs ctx.threads() /
  /// threads_per_task tasks at once, and each task's own parallel regions
  /// (OpenMP, Eigen) get threads_per_task threads. Never more threads than
  /// ctx.threads() in all.
  int threads_per_task = 1;
  /// When it turns true (say from a signal handler), this rank starts no new
  /// task; under the dynamic schedules every rank soon stops receiving work.
  /// Tasks already running finish, and the loop returns normally with
  /// WorkStats::stopped set. Null: never stop early.
  const std::atomic<bool>* stop = nullptr;
};

/// Tasks a rank runs at once: ctx.threads() / threads_per_task, at least 1.
/// current_worker() is below this number.
inline int workers_per_rank(const Context& ctx, int threads_per_task) noexcept {
  const int per_task = threads_per_task < 1 ? 1 : threads_per_task;
  return ctx.threads() / per_task > 0 ? ctx.threads() / per_task : 1;
}

/// Calls f(id) exactly once for each id in [0, n), across all ranks of ctx.
/// Collective on ctx.comm() under every schedule: every rank calls it with
/// the same n and options, and receives what it measured. Static schedules
/// (static, cyclic) send no messages while tasks run: each rank runs
/// split(all_ids(n), size, rank, partition) over its threads. Dynamic
/// schedules (dynamic, guided, auto) send chunks to whichever worker is
/// free, on any rank; the main thread of each rank handles the messages
/// while ctx.threads() workers compute.
/// f runs concurrently on several threads: it must only write state owned by
/// its id (e.g. out[id]) or by its worker (partita::current_worker()).
/// If f throws on any rank, every rank throws once the loop has ended
/// everywhere (see rethrow_on_every_rank): a rank where f threw rethrows the
/// exception of its lowest failing id; the others throw partita::Error
/// "for_each: rank R failed: <message>". Under a static schedule the other
/// ranks finish their share first; under a dynamic one they soon stop
/// receiving work. A stop flag, by contrast, returns normally (stopped set).
/// Serial equivalent: for (id = 0; id < n; ++id) f(id);
template <class F>
WorkStats for_each(const Context& ctx, std::uint64_t n, F&& f, const ForEachOptions& options) {
  const auto body = [&f](std::uint64_t id) { f(id); };
  const detail::LoopControl control{options.progress, workers_per_rank(ctx, options.threads_per_task),
                                    options.threads_per_task < 1 ? 1 : options.threads_per_task, options.stop};
  WorkStats stats;
  std::exception_ptr error;
  try {
    stats = options.schedule.is_static()
                ? detail::run_owned(ctx, n, options.schedule.partition(), body, control)
                : detail::run_dynamic(ctx, n, options.schedule, options.order, body, control);
  } catch (...) {
    error = std::current_exception();
  }
  // A rank that failed alone must not return as if the loop had finished.
  rethrow_on_every_rank(ctx, error, "for_each");
  return stats;
}

template <class F>
WorkStats for_each(const Context& ctx, std::uint64_t n, F&& f, Schedule schedule = {}) {
  return for_each(ctx, n, std::forward<F>(f), ForEachOptions{schedule, {}, {}, 1, nullptr});
}

}  // namespace partita

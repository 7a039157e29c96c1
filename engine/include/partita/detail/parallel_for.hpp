// The threaded loop behind for_each and map_reduce, compiled in the library
// so public headers never need OpenMP.
#pragma once

#include <atomic>
#include <cstdint>
#include <span>

#include "partita/context.hpp"
#include "partita/detail/function_ref.hpp"
#include "partita/partition.hpp"
#include "partita/progress.hpp"
#include "partita/schedule.hpp"
#include "partita/work_stats.hpp"

namespace partita::detail {

/// How a loop runs beyond its ids: progress reports, how a rank's threads
/// are used (`workers` threads take tasks, 0: ctx.threads(); each task may
/// open parallel regions of `threads_per_task` threads), and a stop flag.
struct LoopControl {
  ProgressOptions progress;
  int workers = 0;
  int threads_per_task = 1;
  const std::atomic<bool>* stop = nullptr;

  bool stop_requested() const noexcept { return stop != nullptr && stop->load(std::memory_order_relaxed); }
};

/// Runs body(id) for every id of this rank's share of [0, n), split across
/// control.workers OpenMP threads (0: ctx.threads()). Not collective. If a body throws, threads
/// stop starting ids and the exception of the lowest failing id is rethrown.
WorkStats run_owned(const Context& ctx, std::uint64_t n, Partition partition,
                    FunctionRef<void(std::uint64_t)> body, const LoopControl& control = {});

/// Runs body(id) for every id of [0, n) under a dynamic, guided or auto
/// schedule: chunks of positions are handed out as workers need them, and
/// position p runs id order[p] (or p when order is empty). Collective on
/// ctx.comm(): with several ranks, each rank's main thread serves or
/// requests chunks while ctx.threads() worker threads compute. If a body
/// throws, the loop stops handing out work everywhere and this rank rethrows
/// its lowest failing id.
WorkStats run_dynamic(const Context& ctx, std::uint64_t n, const Schedule& schedule,
                      std::span<const std::uint64_t> order, FunctionRef<void(std::uint64_t)> body,
                      const LoopControl& control = {});

}  // namespace partita::detail

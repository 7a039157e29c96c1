// Runs a job's tasks on this rank under a schedule, keeping each task's
// outputs (and, when tracing, its start and end) per worker thread so that
// workers never share a container.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "spec/job_spec.hpp"
#include "partita/context.hpp"
#include "partita/for_each.hpp"
#include "partita/journal.hpp"
#include "isolation/fork_server.hpp"
#include "run/agreement.hpp"
#include "run/stop_flag.hpp"
#include "spec/task_space.hpp"
#include "command/task_log.hpp"

namespace partita::launch {

/// One task as it ran: seconds since the loop's common start.
struct TaskSlice {
  std::uint64_t task = 0;
  double start = 0.0;
  double end = 0.0;
};

/// A task that failed every attempt: the kernel threw or returned a value
/// that is not finite, or (isolation = "process") crashed its worker.
struct TaskFailure {
  std::uint64_t task = 0;
  std::uint32_t attempts = 0;
  std::string message;
  std::uint32_t crashes = 0;  ///< attempts that killed their worker, this run and earlier ones
  bool quarantined = false;   ///< crashes reached quarantine_after: never attempted again
};

/// What each worker thread of a rank ran: per worker, parallel lists.
struct RankResults {
  std::vector<std::vector<std::uint64_t>> ids;    ///< every task that ran, failed or not
  std::vector<std::vector<std::uint8_t>> ok;      ///< 1 where the task has a result
  std::vector<std::vector<double>> values;        ///< their outputs; NaN for a failed task
  std::vector<std::vector<std::string>> texts;    ///< their packed text outputs; empty without text outputs
  std::vector<std::vector<TaskSlice>> slices;     ///< empty unless tracing
  std::vector<std::vector<TaskFailure>> failures;
  /// Why a worker stopped the rank, beyond a StopReason (a lost fork server).
  std::vector<std::string> stop_problems;

  explicit RankResults(int workers)
      : ids(workers),
        ok(workers),
        values(workers),
        texts(workers),
        slices(workers),
        failures(workers),
        stop_problems(workers) {}

  /// The first worker's stop problem, or "".
  std::string stop_problem() const;

  /// All workers' lists, concatenated; they stay paired.
  struct Merged {
    std::vector<std::uint64_t> ids;
    std::vector<std::uint8_t> ok;
    std::vector<double> values;
    std::vector<std::string> texts;
  };
  Merged merged() const;
};

struct TaskRunOptions {
  ForEachOptions loop;   ///< schedule, start order, progress, threads per task; loop.stop is stop->flag()
  bool trace = false;    ///< record a TaskSlice per task
  std::chrono::steady_clock::time_point epoch;  ///< time zero of the slices
  int retries = 0;       ///< extra attempts of a failed task, on the same random stream
  /// This rank stops (StopReason::max_failures) when its failures exceed
  /// this; 0: never.
  std::uint64_t max_failures = 0;
  /// Raised, with its reason, by whatever stops this rank: a journal that
  /// cannot be written, the deadline, max_failures (and signals, elsewhere).
  StopFlag* stop = nullptr;
  JournalWriter* journal = nullptr;   ///< each finished task is appended here
  /// Start no task that, at the mean pace of this run's tasks so far, would
  /// end after this time (then raise stop). Unset: no deadline.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  /// isolation = "process": attempts run in worker processes this server
  /// forks (one per rank thread), each limited to timeout_seconds (0: none);
  /// a task whose worker died quarantine_after times is not attempted again.
  ForkServer* isolation = nullptr;
  double timeout_seconds = 0.0;
  int quarantine_after = 2;
  /// Per task: crashes journaled by earlier runs (empty: none).
  std::span<const std::uint8_t> earlier_crashes;
  /// Command jobs: the rank's log of every task's stdout and stderr. A
  /// write that fails stops the rank (StopReason::journal), like the journal.
  TaskLogWriter* task_log = nullptr;
  /// Armed when something escapes a task (not a kernel's failure: memory
  /// exhausted, a bug), before the loop tells the other ranks.
  FailureWatchdog* watchdog = nullptr;
};

/// Runs the tasks of `todo` (task ids) this rank is given; loop.order, if
/// set, holds positions in `todo`. Collective for dynamic schedules. A
/// kernel that throws or returns a non-finite value fails that task only:
/// it is retried up to options.retries times (a retry is the same
/// computation: same random stream), then recorded in results.failures.
WorkStats run_tasks(const Context& ctx, const JobSpec& job, const TaskSpace& space,
                    std::span<const std::uint64_t> todo, const TaskRunOptions& options, RankResults& results);

/// The positions of `todo` by descending cost hint of their tasks (ties by
/// position), for a kernel that has one; empty otherwise. Collective: the
/// hints are computed in parallel over all ranks and threads, and every rank
/// returns the same order.
std::vector<std::uint64_t> most_expensive_first(const Context& ctx, const JobSpec& job, const TaskSpace& space,
                                                std::span<const std::uint64_t> todo);


}  // namespace partita::launch

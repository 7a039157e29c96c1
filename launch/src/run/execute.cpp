// The execute phase: this rank's share of the tasks, journaled as they
// finish, until the work is done or something stops it (a signal, the
// deadline, max_failures, a journal that cannot be written).
#include <fmt/format.h>

#include <algorithm>

#include "commands/exit_codes.hpp"
#include "command/running_commands.hpp"
#include "run/run_phases.hpp"
#include "run/signal_stop.hpp"
#include "run/verdict.hpp"
#include "spec/deadline.hpp"

namespace partita::launch {

namespace {

// Threads inside each task. "auto" (0): one while there are at least as many
// tasks as threads on a rank (threads run different tasks); otherwise the
// rank's threads are shared among its few tasks. Never more than the rank has.
int threads_per_task(const Context& ctx, int requested, std::uint64_t tasks) {
  if (requested > 0) return std::min(requested, ctx.threads());
  const std::uint64_t per_rank = (tasks + static_cast<std::uint64_t>(ctx.size()) - 1) / ctx.size();
  if (per_rank >= static_cast<std::uint64_t>(ctx.threads()) || per_rank == 0) return 1;
  return std::max(1, ctx.threads() / static_cast<int>(per_rank));
}

// --deadline as given, else the allocation's end, asked by rank 0 alone (in
// a Slurm job that may mean running squeue: a thousand ranks must not).
struct AllocationDeadline {
  std::optional<double> seconds;
  bool from_allocation = false;
};

AllocationDeadline choose_deadline(const Context& ctx, const RunOptions& options) {
  if (options.deadline_seconds) return {options.deadline_seconds, false};
  double seconds = -1.0;
  if (ctx.rank() == 0) seconds = allocation_deadline().value_or(-1.0);
  MPI_Bcast(&seconds, 1, MPI_DOUBLE, 0, ctx.comm());
  if (seconds < 0.0) return {};
  return {seconds, true};
}

}  // namespace

ExecutedRun execute(const Context& ctx, const RunOptions& options, PreparedRun& run, ForkServer* isolation,
                    ProgressPrinter& progress, std::chrono::steady_clock::time_point start) {
  const Schedule schedule = options.schedule.value_or(run.job.schedule);
  const int per_task =
      threads_per_task(ctx, options.threads_per_task.value_or(run.job.threads_per_task), run.space.tasks());
  ExecutedRun executed{RankResults(workers_per_rank(ctx, per_task)), {}, {}, per_task, false, 0, {}, {}, start,
                       schedule.name()};
  // auto starts the most expensive tasks first when the kernel can say which.
  on_every_rank(ctx, [&] {
    if (schedule.kind == Schedule::Kind::automatic) {
      executed.order = most_expensive_first(ctx, run.job, run.space, run.todo);
    }
  });
  progress.start(run.job.name, run.todo.size(), ctx.size(), ctx.threads());

  // A common time zero for the trace: every rank leaves the barrier together.
  if (!options.trace_file.empty()) MPI_Barrier(ctx.comm());
  StopFlag stop;
  JournalWriter* journal = run.journal ? &*run.journal : nullptr;
  TaskRunOptions task_options{{schedule, executed.order, progress.options(), per_task, stop.flag()},
                              !options.trace_file.empty(),
                              std::chrono::steady_clock::now(),
                              run.job.retries,
                              failure_limit(run.job.max_failures, run.space.tasks()),
                              &stop,
                              journal,
                              {},
                              isolation,
                              run.job.timeout_seconds,
                              run.job.quarantine_after,
                              run.crashes,
                              run.task_log.get()};
  const AllocationDeadline deadline = choose_deadline(ctx, options);
  executed.deadline_from_allocation = deadline.from_allocation;
  if (deadline.seconds) {
    task_options.deadline = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                        std::chrono::duration<double>(*deadline.seconds));
  }
  std::optional<JobFailure> loop_failure;
  FailureWatchdog watchdog(ctx);
  task_options.watchdog = &watchdog;
  {
    // The grace period's end abandons running tasks but keeps what is journaled.
    const SignalStop signals(stop, options.grace_seconds, exit_interrupted, [journal, lock = run.lock.get()](bool grace_over) {
      // Commands get SIGTERM, then SIGKILL: their groups outlive the rank otherwise.
      if (grace_over) abandon_running_commands(std::chrono::seconds(2));
      if (lock != nullptr) lock->mark_stopping();
      try {
        if (journal != nullptr) journal->flush();
      } catch (const Error&) {
      }
    });
    try {
      executed.stats = run_tasks(ctx, run.job, run.space, run.todo, task_options, executed.results);
    } catch (...) {
      loop_failure = failure_of(std::current_exception());
    }
  }
  try {
    if (journal != nullptr) journal->close();
  } catch (const Error& e) {
    executed.journal_problem = e.what();
  }
  if (stop.raised_for(StopReason::journal) && executed.journal_problem.empty()) {
    executed.journal_problem = journal != nullptr ? journal->last_error() : "";
    if (executed.journal_problem.empty() && run.task_log) executed.journal_problem = run.task_log->last_error();
  }
  // What the journal holds is safe either way; a loop that threw ends the job.
  if (auto agreed = agree_on_failure(ctx, loop_failure)) throw AgreedFailure{std::move(*agreed)};
  executed.stop_problem = executed.results.stop_problem();
  executed.stop_reasons = stop.reasons();
  MPI_Allreduce(MPI_IN_PLACE, &executed.stop_reasons, 1, MPI_UNSIGNED, MPI_BOR, ctx.comm());
  return executed;
}

}  // namespace partita::launch

// `partita run` as phases, each agreed across ranks before the next begins:
//
//   prepare   spec, output directory, lock, journal (every check that can
//             fail before the first task is made here)
//   announce  placement warnings, bindings
//   execute   the tasks, journaled as they finish; signals and deadlines
//   collect   every rank's results and failures to rank 0
//   decide    the verdict, from facts agreed across ranks
//   report    rank 0 writes the files and prints; every rank returns the code
//
// A phase that fails on any rank throws AgreedFailure on every rank (see
// agreement.hpp), so all ranks leave with the same code and one message.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "command/task_log.hpp"
#include "commands/run_command.hpp"
#include "isolation/fork_server.hpp"
#include "journal/job_journal.hpp"
#include "partita/context.hpp"
#include "partita/journal.hpp"
#include "partita/work_stats.hpp"
#include "output/run_report.hpp"
#include "output/task_table.hpp"
#include "run/agreement.hpp"
#include "run/job_failure.hpp"
#include "run/progress_printer.hpp"
#include "run/rank_messages.hpp"
#include "run/run_lock.hpp"
#include "run/stop_flag.hpp"
#include "run/task_runner.hpp"
#include "spec/job_spec.hpp"
#include "spec/task_space.hpp"

namespace partita::launch {

/// Thrown on every rank when a phase failed on any rank: the agreed failure.
struct AgreedFailure {
  JobFailure failure;
};

/// Whose failure a phase's is: a rank's, or the job's own (its files, read
/// by rank 0 alone: no rank is named in the message).
enum class Blame { rank, job };

/// Collective. Runs `work` on this rank, then agrees with the others: if
/// any rank's work threw, every rank throws AgreedFailure with the failure
/// of the lowest failing rank.
template <class Work>
void on_every_rank(const Context& ctx, Work&& work, Blame blame = Blame::rank);

/// The job file as every rank read it before MPI started: the job, or the
/// SpecError text of why it is not one.
struct ParsedJob {
  std::optional<JobSpec> job;
  std::string error;
};

/// What prepare leaves for the phases after it.
struct PreparedRun {
  JobSpec job;
  TaskSpace space;
  std::unique_ptr<RunLock> lock;      ///< rank 0: held for the whole run
  JournalState earlier;               ///< rank 0: what earlier runs journaled
  std::vector<std::uint64_t> todo;    ///< every rank: tasks to run now, ascending
  std::vector<std::uint8_t> crashes;  ///< isolation = "process": earlier runs' crashes per task
  std::uint64_t points_added = 0;     ///< points a grown sweep gained since its journal began
  std::optional<JournalWriter> journal;  ///< this rank's journal of this run
  std::unique_ptr<TaskLogWriter> task_log;  ///< command jobs: this rank's log of its tasks' output
  /// A resumed run that had already finished every task and written its
  /// files: nothing runs and nothing is rewritten.
  bool already_complete = false;
};

PreparedRun prepare(const Context& ctx, const RunOptions& options, ParsedJob parsed);

void announce(const Context& ctx, const RunOptions& options, const PreparedRun& run);

/// What execute leaves: this rank's results and how its loop ended.
struct ExecutedRun {
  RankResults results;
  WorkStats stats;
  std::vector<std::uint64_t> order;   ///< longest-first start order (auto with cost hints), else empty
  int threads_per_task = 1;
  bool deadline_from_allocation = false;
  unsigned stop_reasons = 0;          ///< StopReason bits raised on any rank (agreed)
  std::string journal_problem;        ///< this rank's journal write failure, if any
  std::string stop_problem;           ///< why this rank stopped, beyond a reason bit (a lost fork server)
  std::chrono::steady_clock::time_point start;
  std::string schedule;
};

/// `start` is when the run began (report.json's wall time counts from it).
ExecutedRun execute(const Context& ctx, const RunOptions& options, PreparedRun& run, ForkServer* isolation,
                    ProgressPrinter& progress, std::chrono::steady_clock::time_point start);

/// Rank 0's view of every rank's work; the other ranks' fields are empty.
struct CollectedRun {
  TaskTable results;                   ///< by task id: this run's results
  std::vector<TaskFailure> failures;   ///< this run's, from every rank
  std::vector<RankReport> ranks;
  std::vector<std::string> journal_problems;  ///< by rank
  std::vector<std::string> stop_problems;     ///< by rank
  GatheredNumbers trace;                      ///< --trace: every rank's slices
};

CollectedRun collect(const Context& ctx, const RunOptions& options, const PreparedRun& run, const ExecutedRun& executed);

/// Rank 0: decides the verdict, writes the output files and prints the
/// outcome. Returns the exit code; never throws (a file that cannot be
/// written is the verdict exit_io_error).
int report(const RunOptions& options, const PreparedRun& run, const ExecutedRun& executed, CollectedRun collected,
           ProgressPrinter& progress);

/// Every rank, for a resumed run with nothing left to do: says so (rank
/// 0) and returns the verdict of the finished run; no file is touched.
int report_already_complete(const Context& ctx, const RunOptions& options, const PreparedRun& run);

// --- implementation of on_every_rank ---

template <class Work>
void on_every_rank(const Context& ctx, Work&& work, Blame blame) {
  std::optional<JobFailure> mine;
  try {
    work();
  } catch (...) {
    mine = failure_of(std::current_exception());
  }
  if (auto agreed = agree_on_failure(ctx, mine, blame == Blame::rank)) throw AgreedFailure{std::move(*agreed)};
}

}  // namespace partita::launch

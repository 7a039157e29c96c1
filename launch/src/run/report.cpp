// The decide and report phases, on rank 0: earlier runs' results merged
// with this run's, the verdict, the files, and what the user reads.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "commands/exit_codes.hpp"
#include "journal/job_journal.hpp"
#include "output/atomic_file.hpp"
#include "output/failure_log.hpp"
#include "output/result_files.hpp"
#include "output/run_summary.hpp"
#include "output/trace_file.hpp"
#include "partita/version.hpp"
#include "run/fault_injection.hpp"
#include "run/run_phases.hpp"
#include "run/signal_stop.hpp"
#include "run/verdict.hpp"

namespace partita::launch {

namespace fs = std::filesystem;

namespace {

void print_error(const std::string& message) { fmt::print(stderr, "partita: error: {}\n", message); }

// The job as it stands after this run.
struct Outcome {
  std::vector<TaskFailure> failures;  ///< by task: earlier runs' that were not rerun, and this run's
  std::uint64_t finished = 0;         ///< tasks with a result or a final failure
};

// Puts this run's results on top of what earlier runs journaled, and the
// failures of both together.
Outcome merge_runs(const TaskSpace& space, std::size_t outputs, const JournalState& earlier, TaskTable& results,
                   std::vector<TaskFailure> failures) {
  const auto ran_ok = [&](std::uint64_t task) { return results.done[task] != 0; };
  for (std::uint64_t task = 0; task < space.tasks() && !earlier.results.done.empty(); ++task) {
    if (!ran_ok(task) && earlier.results.done[task]) results.take(task, earlier.results, outputs);
  }
  Outcome outcome;
  std::vector<std::uint8_t> accounted(space.tasks(), 0);
  for (const auto& f : failures) accounted[f.task] = 1;
  for (const auto& f : earlier.failures) {
    if (!accounted[f.task] && !ran_ok(f.task)) outcome.failures.push_back(f);
  }
  for (auto& f : failures) outcome.failures.push_back(std::move(f));
  std::sort(outcome.failures.begin(), outcome.failures.end(),
            [](const TaskFailure& a, const TaskFailure& b) { return a.task < b.task; });
  for (const auto& f : outcome.failures) accounted[f.task] = 1;
  for (std::uint64_t task = 0; task < space.tasks(); ++task) outcome.finished += accounted[task] || ran_ok(task);
  return outcome;
}

// Under mpirun, a rank's non-zero exit makes Open MPI print a box about it
// after the ranks end: say beforehand that it is this stop, not a crash.
std::string launcher_note(int code) {
  if (std::getenv("OMPI_COMM_WORLD_SIZE") == nullptr) return {};
  return fmt::format("\n  (mpirun's note that a process exited with code {} is this stop, not a crash)", code);
}

std::string stop_cause(const ExecutedRun& executed, const CollectedRun& collected) {
  const auto raised = [&executed](StopReason r) { return (executed.stop_reasons & static_cast<unsigned>(r)) != 0; };
  if (raised(StopReason::isolation)) {
    for (std::size_t r = 0; r < collected.stop_problems.size(); ++r) {
      if (!collected.stop_problems[r].empty()) return fmt::format("rank {}: {}", r, collected.stop_problems[r]);
    }
  }
  if (raised(StopReason::signal)) {
    // A rank's own signal; under mpirun every rank got the one mpirun sent.
    const int signal = SignalStop::received();
    return signal != 0 ? std::string(SignalStop::name(signal)) : std::string("a signal");
  }
  if (raised(StopReason::deadline)) {
    return executed.deadline_from_allocation
               ? "the allocation's end is near (--deadline from the scheduler's job end time)"
               : "deadline reached";
  }
  return "stopped";
}

int decide_and_write(const RunOptions& options, const PreparedRun& run, const ExecutedRun& executed,
                     CollectedRun& collected, ProgressPrinter& progress) {
  const JobSpec& job = run.job;
  const TaskSpace& space = run.space;
  const fs::path dir = job.output_dir;
  const Outcome outcome =
      merge_runs(space, job.kernel->outputs.size(), run.earlier, collected.results, std::move(collected.failures));
  const bool journal_failed = std::any_of(collected.journal_problems.begin(), collected.journal_problems.end(),
                                          [](const std::string& p) { return !p.empty(); });
  const int verdict = decide_verdict({space.tasks(), outcome.finished, outcome.failures.size(),
                                      failure_limit(job.max_failures, space.tasks()), executed.stop_reasons,
                                      journal_failed});

  const RunReport report{fingerprint(space.identity(job) + ";version=" + version_string),
                         executed.schedule,
                         !executed.order.empty(),
                         executed.threads_per_task,
                         executed.stats.spread,
                         outcome.finished,
                         outcome.failures.size(),
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - executed.start).count(),
                         collected.ranks};
  // report.json last: one that says "complete" means every other file is in
  // place, which is what a later --resume relies on to do nothing.
  const auto write_report_last = [&] {
    if (!options.trace_file.empty()) write_trace(collected.trace, options.trace_file);
    return write_report(dir, job, space, report);
  };
  write_failures(dir, space, outcome.failures);
  if (verdict != exit_success && verdict != exit_task_failed) write_report_last();

  switch (verdict) {
    case exit_io_error:
      for (std::size_t r = 0; r < collected.journal_problems.size(); ++r) {
        if (!collected.journal_problems[r].empty()) print_error(fmt::format("rank {}: {}", r, collected.journal_problems[r]));
      }
      print_error(fmt::format("{} of {} tasks are safe in the journal; free space, then: {} --resume",
                              outcome.finished, space.tasks(), options.command_line));
      return verdict;
    case exit_too_many_failures:
      print_error(fmt::format("stopped after {} failed tasks (max_failures = {}): {} of {} tasks ran; see {}",
                              outcome.failures.size(), job.max_failures, outcome.finished, space.tasks(),
                              (dir / "failures.csv").string()));
      return verdict;
    case exit_interrupted:
    case exit_internal: {
      const std::string why = verdict == exit_internal ? "stopped early for no recorded reason (a bug)"
                                                       : stop_cause(executed, collected);
      if (options.journal) {
        fmt::print(stderr, "partita: {}: stopped with {} of {} tasks done; they are journaled. Resume with:\n  {} "
                           "--resume{}\n",
                   why, outcome.finished, space.tasks(), options.command_line, launcher_note(verdict));
      } else {
        fmt::print(stderr, "partita: {}: stopped with {} of {} tasks done; no journal was kept (--no-journal), so "
                           "nothing can be resumed\n",
                   why, outcome.finished, space.tasks());
      }
      return verdict;
    }
    default:
      break;
  }
  fault_point(0, "report");
  const auto results_file = write_results(dir, job, space, collected.results);
  const auto summary_file = write_summary(dir, job, space, collected.results);
  const RunSummary summary{results_file, summary_file, write_report_last()};
  progress.finish(space.tasks(), report.wall_seconds, summary.results.string());
  if (!options.quiet && !progress.json()) print_summary(job, space, collected.results, report, summary);
  if (!outcome.failures.empty()) {
    const auto quarantined = std::count_if(outcome.failures.begin(), outcome.failures.end(),
                                           [](const TaskFailure& f) { return f.quarantined; });
    const std::string quarantine =
        quarantined == 0 ? std::string()
                         : fmt::format(", {} quarantined (their {} quarantine_after = {} times; "
                                       "--retry-failed skips them)",
                                       quarantined,
                                       job.command ? "command was killed by a signal or timed out" : "worker crashed",
                                       job.quarantine_after);
    print_error(fmt::format("{} of {} tasks failed{} (first: task {}: {}); see {}", outcome.failures.size(),
                            space.tasks(), quarantine, outcome.failures.front().task, outcome.failures.front().message,
                            (dir / "failures.csv").string()));
  }
  return verdict;
}

}  // namespace

int report(const RunOptions& options, const PreparedRun& run, const ExecutedRun& executed, CollectedRun collected,
           ProgressPrinter& progress) {
  try {
    return decide_and_write(options, run, executed, collected, progress);
  } catch (const IoError& e) {
    print_error(fmt::format("{}; every finished task is safe in the journal: make room, then run again with --resume",
                            e.what()));
    return exit_io_error;
  } catch (const std::exception& e) {
    print_error(e.what());
    return exit_internal;
  }
}

int report_already_complete(const Context& ctx, const RunOptions& options, const PreparedRun& run) {
  int code = exit_success;
  if (ctx.rank() == 0) {
    const auto& failures = run.earlier.failures;
    code = failures.empty() ? exit_success : exit_task_failed;
    if (!options.quiet) {
      fmt::print(stderr, "partita: {}: already complete ({} tasks{}): nothing to do; its files are kept as they "
                         "are{}\n",
                 run.job.output_dir, run.space.tasks(),
                 failures.empty() ? std::string() : fmt::format(", {} failed", failures.size()),
                 failures.empty() ? std::string() : " (--retry-failed runs the failed ones again)");
    }
  }
  return code;
}

}  // namespace partita::launch

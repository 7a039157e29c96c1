#include "commands/run_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <vector>

#include "output/atomic_file.hpp"
#include "spec/deadline.hpp"
#include "commands/exit_codes.hpp"
#include "output/failure_log.hpp"
#include "isolation/fork_server.hpp"
#include "commands/info_command.hpp"
#include "journal/job_journal.hpp"
#include "spec/job_spec.hpp"
#include "partita/error.hpp"
#include "partita/for_each.hpp"
#include "partita/gather.hpp"
#include "partita/journal.hpp"
#include "partita/runtime.hpp"
#include "partita/version.hpp"
#include "placement/placement_warnings.hpp"
#include "journal/point_table.hpp"
#include "run/rank_messages.hpp"
#include "run/run_lock.hpp"
#include "run/signal_stop.hpp"
#include "output/result_files.hpp"
#include "output/run_report.hpp"
#include "output/run_summary.hpp"
#include "spec/spec_error.hpp"
#include "run/task_runner.hpp"
#include "spec/task_space.hpp"
#include "output/trace_file.hpp"

namespace partita::launch {

namespace fs = std::filesystem;

namespace {

void print_error(const std::string& message) { fmt::print(stderr, "partita: error: {}\n", message); }

// Creates the output directory and proves it writable before any work runs,
// so a typo in a path costs seconds, not a finished sweep. Rank 0 only.
std::string prepare_output_dir(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) {
    return fmt::format("output directory '{}': exists but is not a directory (set [output] dir or pass --out DIR)",
                       dir.string());
  }
  fs::create_directories(dir, ec);
  if (ec) {
    return fmt::format("output directory '{}': cannot create it: {} (set [output] dir or pass --out DIR)",
                       dir.string(), ec.message());
  }
  const fs::path probe = dir / ".partita-write-probe";
  std::FILE* file = std::fopen(probe.c_str(), "wb");
  if (file == nullptr) {
    return fmt::format("output directory '{}': not writable: {} (set [output] dir or pass --out DIR)", dir.string(),
                       std::strerror(errno));
  }
  std::fclose(file);
  fs::remove(probe, ec);
  return {};
}

// Under the run lock: --restart discards what an earlier run left; without
// --resume, an earlier run's journal is never silently replaced.
std::string settle_journal(const fs::path& dir, const RunOptions& options) {
  std::error_code ec;
  const bool has_journal = !journal_files(journal_dir(dir)).empty();
  if (options.restart) {
    fs::remove_all(journal_dir(dir), ec);
    for (const char* name : {"results.csv", "results.jsonl", "summary.csv", "failures.csv", "report.json"}) {
      fs::remove(dir / name, ec);
    }
  } else if (has_journal && !options.resume) {
    return fmt::format("output directory '{}' holds the journal of an earlier run: pass --resume to finish that "
                       "run, or --restart to discard it and start again",
                       dir.string());
  }
  fs::create_directories(journal_dir(dir), ec);
  if (ec) return fmt::format("journal directory '{}': cannot create it: {}", journal_dir(dir).string(), ec.message());
  return {};
}

// max_failures as a count: a fraction is of all tasks; 0 means no limit.
std::uint64_t failure_limit(double max_failures, std::uint64_t tasks) {
  if (max_failures <= 0.0) return 0;
  if (max_failures >= 1.0) return static_cast<std::uint64_t>(max_failures);
  return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(max_failures * static_cast<double>(tasks))));
}

// Threads inside each task. "auto" (0): one while there are at least as many
// tasks as threads on a rank (threads run different tasks); otherwise the
// rank's threads are shared among its few tasks. Never more than the rank has.
int threads_per_task(const Context& ctx, int requested, std::uint64_t tasks) {
  if (requested > 0) return std::min(requested, ctx.threads());
  const std::uint64_t per_rank = (tasks + static_cast<std::uint64_t>(ctx.size()) - 1) / ctx.size();
  if (per_rank >= static_cast<std::uint64_t>(ctx.threads()) || per_rank == 0) return 1;
  return std::max(1, ctx.threads() / static_cast<int>(per_rank));
}

// What earlier runs left, on every rank: which tasks still need running.
// Rank 0 reads the journal; the others receive the verdict.
struct Carryover {
  JournalState state;              ///< complete on rank 0 only
  std::vector<std::uint64_t> todo; ///< tasks to run now, ascending
  std::vector<std::uint8_t> crashes;  ///< per task, isolation = "process" only: earlier runs' crashes
  std::string problem;             ///< a journal that belongs to another job
};

// Rank 0 matches the spec's points against the journal's point table (a
// resume of a sweep extended since keeps the old points' ids); every rank
// then numbers its points the same way. Returns why a resume is refused, or "".
struct PointIdsDecision {
  std::string problem;
  std::uint64_t added = 0;
  bool write_table = false;  ///< rank 0: the journal's table must be (re)written
};

PointIdsDecision settle_point_ids(const Context& ctx, const JobSpec& job, TaskSpace& space,
                                  const RunOptions& options) {
  PointIdsDecision decision;
  std::vector<std::uint64_t> spec_position;
  if (ctx.rank() == 0) {
    try {
      const fs::path dir = journal_dir(job.output_dir);
      const auto table = options.resume ? read_point_table(dir) : std::nullopt;
      if (table) {
        PointIds ids = match_points(*table, point_fingerprints(space));
        decision.problem = ids.problem.empty()
                               ? std::string()
                               : fmt::format("{}: {}. Pass --restart to discard the journal (and its results), or "
                                             "--out to run elsewhere",
                                             point_table_path(dir).string(), ids.problem);
        decision.added = ids.added;
        if (!ids.identity()) spec_position = std::move(ids.spec_position);
      } else if (options.resume && !journal_files(dir).empty()) {
        decision.problem = fmt::format("{}: missing: the journal cannot say which sweep point each result belongs "
                                       "to. Pass --restart to discard it, or --out to run elsewhere",
                                       point_table_path(dir).string());
      }
      decision.write_table = options.journal && (!table || decision.added > 0);
    } catch (const Error& e) {
      decision.problem = e.what();
    }
  }
  decision.problem = broadcast_text(ctx, decision.problem);
  if (!decision.problem.empty()) return decision;
  std::uint64_t renumbered = spec_position.size();
  MPI_Bcast(&renumbered, 1, MPI_UINT64_T, 0, ctx.comm());
  MPI_Bcast(&decision.added, 1, MPI_UINT64_T, 0, ctx.comm());
  if (renumbered > 0) {
    spec_position.resize(renumbered);
    MPI_Bcast(spec_position.data(), static_cast<int>(renumbered), MPI_UINT64_T, 0, ctx.comm());
    space.renumber(std::move(spec_position));
  }
  return decision;
}

Carryover carry_over(const Context& ctx, const JobSpec& job, const TaskSpace& space, const RunOptions& options,
                     bool write_point_table_too) {
  Carryover carry;
  const std::size_t outputs = job.kernel->outputs.size();
  std::vector<std::uint8_t> skip(space.tasks(), 0);
  if (ctx.rank() == 0 && options.resume) {
    try {
      carry.state = load_journal(journal_dir(job.output_dir), job_identity(job), space.tasks(), outputs);
      skip = carry.state.done;
      // A quarantined task stays failed: --retry-failed reruns the others.
      for (auto& f : carry.state.failures) {
        f.quarantined = f.crashes >= static_cast<std::uint32_t>(job.quarantine_after);
        if (!options.retry_failed || f.quarantined) skip[f.task] = 1;
      }
      carry.crashes = std::move(carry.state.crashes);
    } catch (const Error& e) {
      carry.problem = e.what();
    }
  }
  // The table is written once the journal is known to be this job's.
  if (ctx.rank() == 0 && carry.problem.empty() && write_point_table_too) {
    try {
      write_point_table(journal_dir(job.output_dir), point_fingerprints(space));
    } catch (const Error& e) {
      carry.problem = e.what();
    }
  }
  carry.problem = broadcast_text(ctx, carry.problem);
  if (!carry.problem.empty()) return carry;
  MPI_Bcast(skip.data(), static_cast<int>(skip.size()), MPI_BYTE, 0, ctx.comm());
  MPI_Bcast(&carry.state.next_run, 1, MPI_UINT32_T, 0, ctx.comm());
  if (job.isolation == Isolation::process && options.resume) {
    carry.crashes.resize(space.tasks());
    MPI_Bcast(carry.crashes.data(), static_cast<int>(carry.crashes.size()), MPI_BYTE, 0, ctx.comm());
  }
  for (std::uint64_t task = 0; task < space.tasks(); ++task) {
    if (skip[task] == 0) carry.todo.push_back(task);
  }
  return carry;
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

// Rank 0: the job as it stands after this run.
struct Outcome {
  std::vector<TaskFailure> failures;  ///< by task: earlier runs' that were not rerun, and this run's
  std::uint64_t finished = 0;         ///< tasks with a result or a final failure
};

// Puts this run's results (`values`, NaN where it ran nothing or failed)
// on top of what earlier runs journaled, and the failures of both together.
Outcome merge_runs(const TaskSpace& space, std::size_t outputs, const JournalState& earlier,
                   std::vector<double>& values, std::vector<TaskFailure> failures) {
  const auto ran_ok = [&](std::uint64_t task) { return !std::isnan(values[task * outputs]); };
  for (std::uint64_t task = 0; task < space.tasks() && !earlier.done.empty(); ++task) {
    if (!ran_ok(task) && earlier.done[task]) {
      std::copy_n(earlier.values.begin() + task * outputs, outputs, values.begin() + task * outputs);
    }
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


// The job file as every rank read it before MPI started: the job, or why
// it is not one.
struct ParsedJob {
  std::optional<JobSpec> job;
  std::string error;
};

int run_job(const Runtime& runtime, const RunOptions& options, ParsedJob parsed, ForkServer* isolation) {
  const Context& ctx = runtime.context();
  const bool root = ctx.rank() == 0;
  const auto start = std::chrono::steady_clock::now();

  // Every rank parsed the same file, so every rank reaches the same verdict
  // without a message; only rank 0 speaks.
  if (!parsed.job) {
    if (root) print_error(parsed.error);
    return exit_bad_input;
  }
  JobSpec job = std::move(*parsed.job);
  if (!options.out_dir.empty()) job.output_dir = options.out_dir;
  TaskSpace space(job);

  std::optional<RunLock> lock;
  std::string dir_problem;
  if (root) {
    dir_problem = prepare_output_dir(job.output_dir);
    if (dir_problem.empty()) {
      lock.emplace(job.output_dir);
      dir_problem = lock->held() ? settle_journal(job.output_dir, options) : lock->problem();
    }
  }
  dir_problem = broadcast_text(ctx, dir_problem);
  if (!dir_problem.empty()) {
    if (root) print_error(dir_problem);
    return exit_bad_input;
  }
  const PointIdsDecision point_ids = settle_point_ids(ctx, job, space, options);
  if (!point_ids.problem.empty()) {
    if (root) print_error(point_ids.problem);
    return exit_bad_input;
  }
  Carryover carry = carry_over(ctx, job, space, options, point_ids.write_table);
  if (!carry.problem.empty()) {
    if (root) print_error(carry.problem);
    return exit_bad_input;
  }
  if (options.report_bindings) {
    report_bindings(ctx, false);  // its warnings replace the placement warnings
  } else if (options.warnings) {
    warn_about_placement(ctx);
  }
  if (root && point_ids.added > 0 && !options.quiet) {
    fmt::print(stderr, "partita: the sweep gained {} point(s) since its journal began: they run now, numbered after "
                       "the {} earlier ones, which keep their ids and results\n",
               point_ids.added, space.points() - point_ids.added);
  }

  const Schedule schedule = options.schedule.value_or(job.schedule);
  // auto starts the most expensive tasks first when the kernel can say which.
  const std::vector<std::uint64_t> order = schedule.kind == Schedule::Kind::automatic
                                               ? most_expensive_first(ctx, job, space, carry.todo)
                                               : std::vector<std::uint64_t>{};
  const int per_task = threads_per_task(ctx, options.threads_per_task.value_or(job.threads_per_task), space.tasks());
  ProgressPrinter progress(options.progress, options.progress_interval, root, options.quiet);
  progress.start(job.name, carry.todo.size(), ctx.size(), ctx.threads());

  std::optional<JournalWriter> journal;
  if (options.journal) {
    journal.emplace(journal_dir(job.output_dir) / fmt::format("rank-{}.run-{}.journal", ctx.rank(), carry.state.next_run),
                    JournalHeader{job_identity(job), version_string,
                                  static_cast<std::uint32_t>(job.kernel->outputs.size()),
                                  static_cast<std::uint32_t>(ctx.rank()), carry.state.next_run},
                    JournalOptions{options.journal_flush_records, options.journal_flush_seconds, true});
  }

  // A common time zero for the trace: every rank leaves the barrier together.
  if (!options.trace_file.empty()) MPI_Barrier(ctx.comm());
  std::atomic<bool> stop{false};
  std::atomic<bool> journal_failed{false};
  TaskRunOptions run{{schedule, order, progress.options(), per_task, &stop},
                     !options.trace_file.empty(),
                     std::chrono::steady_clock::now(),
                     job.retries,
                     failure_limit(job.max_failures, space.tasks()),
                     &journal_failed,
                     &stop,
                     journal ? &*journal : nullptr,
                     {},
                     isolation,
                     job.timeout_seconds,
                     job.quarantine_after,
                     carry.crashes};
  const AllocationDeadline deadline = choose_deadline(ctx, options);
  if (deadline.seconds) {
    run.deadline = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                               std::chrono::duration<double>(*deadline.seconds));
  }
  RankResults results(workers_per_rank(ctx, per_task));
  WorkStats stats;
  {
    // The grace period's end abandons running tasks but keeps what is journaled.
    const SignalStop signals(stop, options.grace_seconds, exit_interrupted, [&journal] {
      try {
        if (journal) journal->flush();
      } catch (const Error&) {
      }
    });
    stats = run_tasks(ctx, job, space, carry.todo, run, results);
  }
  std::string journal_problem;
  try {
    if (journal) journal->close();
  } catch (const Error& e) {
    journal_problem = e.what();
  }
  if (journal_failed.load() && journal_problem.empty()) journal_problem = journal->last_error();

  const int signal = SignalStop::received();
  const bool deadline_hit = run.deadline && stop.load() && !journal_failed.load();
  const bool interrupted = detail::any_rank(ctx, signal != 0 || deadline_hit);
  const bool io_failed = detail::any_rank(ctx, !journal_problem.empty());
  const std::size_t outputs = job.kernel->outputs.size();
  const auto [ids, mine] = results.merged();
  auto values = gather_by_id<double>(ctx, ids, mine, space.tasks(), outputs, 0, std::nan(""));
  auto failures = gather_failures(ctx, results);
  const auto ranks = gather_rank_reports(ctx, stats);
  const auto io_messages = gather_text(ctx, journal_problem);
  if (run.trace) write_trace(ctx, results.slices, options.trace_file);
  const bool any_failed = detail::any_rank(ctx, !failures.empty() || !carry.state.failures.empty());
  const int failure_code = any_failed ? exit_task_failed : exit_success;
  if (!root) {
    if (io_failed) return exit_io_error;
    if (interrupted) return exit_interrupted;
    return failure_code;
  }

  const Outcome outcome = merge_runs(space, outputs, carry.state, values, std::move(failures));
  const auto& all_failures = outcome.failures;
  const std::uint64_t finished = outcome.finished;

  const RunReport report{fingerprint(space.identity(job) + ";version=" + version_string),
                         schedule.name(),
                         !order.empty(),
                         per_task,
                         stats.spread,
                         finished,
                         all_failures.size(),
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                         ranks};
  const fs::path dir = job.output_dir;
  write_failures(dir, space, all_failures);
  const auto report_file = write_report(dir, job, space, report);
  const bool complete = finished == space.tasks();
  if (io_failed) {
    for (std::size_t r = 0; r < io_messages.size(); ++r) {
      if (!io_messages[r].empty()) print_error(fmt::format("rank {}: {}", r, io_messages[r]));
    }
    print_error(fmt::format("{} of {} tasks are safe in the journal; free space, then: {} --resume", finished,
                            space.tasks(), options.command_line));
    return exit_io_error;
  }
  if (!complete) {
    if (interrupted) {
      const std::string why = signal != 0                       ? std::string(SignalStop::name(signal))
                              : deadline.from_allocation ? "the allocation's end is near (--deadline from "
                                                                   "the scheduler's job end time)"
                                                                 : "deadline reached";
      if (options.journal) {
        fmt::print(stderr, "partita: {}: stopped with {} of {} tasks done; they are journaled. Resume with:\n  {} --resume\n",
                   why, finished, space.tasks(), options.command_line);
      } else {
        fmt::print(stderr, "partita: {}: stopped with {} of {} tasks done; no journal was kept (--no-journal), so "
                           "nothing can be resumed\n", why, finished, space.tasks());
      }
      return exit_interrupted;
    }
    print_error(fmt::format("stopped after {} failed tasks (max_failures = {}): {} of {} tasks ran; see {}",
                            all_failures.size(), job.max_failures, finished, space.tasks(),
                            (dir / "failures.csv").string()));
    return exit_too_many_failures;
  }
  const RunSummary summary{write_results(dir, job, space, values), write_summary(dir, job, space, values),
                           report_file};
  progress.finish(space.tasks(), report.wall_seconds, summary.results.string());
  if (!options.quiet && !progress.json()) print_summary(job, space, values, report, summary);
  if (!all_failures.empty()) {
    const auto quarantined = std::count_if(all_failures.begin(), all_failures.end(),
                                           [](const TaskFailure& f) { return f.quarantined; });
    const std::string quarantine =
        quarantined == 0 ? std::string()
                         : fmt::format(", {} quarantined (their worker crashed quarantine_after = {} times; "
                                       "--retry-failed skips them)",
                                       quarantined, job.quarantine_after);
    print_error(fmt::format("{} of {} tasks failed{} (first: task {}: {}); see {}", all_failures.size(),
                            space.tasks(), quarantine, all_failures.front().task, all_failures.front().message,
                            (dir / "failures.csv").string()));
  }
  return all_failures.empty() ? exit_success : exit_task_failed;
}

// A spec that does not parse is left for run_job to report, once MPI says
// which rank speaks.
ParsedJob parse_job(const std::string& file) {
  try {
    return {parse_job_spec(file, builtin_kernels()), {}};
  } catch (const SpecError& e) {
    return {std::nullopt, e.what()};
  }
}

}  // namespace

int run_command(const RunOptions& options, int* argc, char*** argv) {
  SignalStop::arm();  // before MPI starts: a walltime signal may come at any moment
  // Parsed before MPI: isolation = "process" needs its fork server first.
  ParsedJob parsed = parse_job(options.job_file);
  std::optional<ForkServer> isolation;
  if (parsed.job && parsed.job->isolation == Isolation::process) {
    try {
      isolation.emplace(*parsed.job);
    } catch (const Error& e) {
      print_error(e.what());
      return exit_internal;
    }
  }
  const Runtime runtime(argc, argv, {MPI_COMM_WORLD, options.threads});
  try {
    return run_job(runtime, options, std::move(parsed), isolation ? &*isolation : nullptr);
  } catch (const IoError& e) {
    print_error(fmt::format("rank {}: {}; every finished task is safe in the journal: make room, then run again "
                            "with --resume",
                            runtime.context().rank(), e.what()));
    return exit_io_error;
  } catch (const std::exception& e) {
    // Not bad input and not a task: an I/O or MPI problem after the start.
    print_error(fmt::format("rank {}: {}", runtime.context().rank(), e.what()));
    return exit_internal;
  }
}

}  // namespace partita::launch

// The prepare phase: everything that can fail before the first task fails
// here, on the rank that finds it, and ends every rank with one message.
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "command/command_spec.hpp"
#include "commands/exit_codes.hpp"
#include "journal/point_table.hpp"
#include "journal/run_files.hpp"
#include "output/atomic_file.hpp"
#include "partita/version.hpp"
#include "run/fault_injection.hpp"
#include "run/rank_messages.hpp"
#include "run/run_phases.hpp"
#include "spec/memory_estimate.hpp"
#include "spec/spec_error.hpp"

namespace partita::launch {

namespace fs = std::filesystem;

namespace {

// A full disk is an I/O failure (74, resumable once there is room); a
// missing or forbidden place is bad input (2).
[[noreturn]] void output_dir_problem(const fs::path& dir, const std::string& what, int error) {
  const std::string message = fmt::format("output directory '{}': {}: {} (set [output] dir or pass --out DIR)",
                                          dir.string(), what, std::strerror(error));
  if (error == ENOSPC || error == EDQUOT || error == EIO) throw IoError(message);
  throw JobError(exit_bad_input, message);
}

// Creates the output directory and proves it writable before any work runs,
// so a typo in a path costs seconds, not a finished sweep. Rank 0 only.
void prepare_output_dir(const fs::path& dir, bool quiet) {
  std::error_code ec;
  if (fs::is_symlink(fs::symlink_status(dir, ec)) && !quiet) {
    fmt::print(stderr, "partita: note: output directory '{}' is a symbolic link to '{}'\n", dir.string(),
               fs::read_symlink(dir, ec).string());
  }
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) {
    throw JobError(exit_bad_input, fmt::format("output directory '{}': exists but is not a directory (set [output] "
                                               "dir or pass --out DIR)",
                                               dir.string()));
  }
  fs::create_directories(dir, ec);
  if (ec) output_dir_problem(dir, "cannot create it", ec.value());
  const fs::path probe = dir / ".partita-write-probe";
  std::FILE* file = std::fopen(probe.c_str(), "wb");
  if (file == nullptr) output_dir_problem(dir, "not writable", errno);
  // A byte, flushed: a directory on a full disk accepts an empty file.
  const bool wrote = std::fputc('\n', file) != EOF && std::fflush(file) == 0;
  const int error = errno;
  std::fclose(file);
  fs::remove(probe, ec);
  if (!wrote) output_dir_problem(dir, "cannot write to it", error);
}

// --trace FILE is written at the end: a place it cannot be written must
// fail now, not after the work. Nothing is created to find out.
void check_trace_path(const std::string& trace_file) {
  if (trace_file.empty()) return;
  const fs::path path = fs::absolute(trace_file);
  const fs::path parent = path.parent_path();
  std::error_code ec;
  if (!fs::is_directory(parent, ec)) {
    throw SpecError(trace_file, 0, fmt::format("--trace: the folder '{}' does not exist", parent.string()));
  }
  if (fs::is_directory(path, ec)) throw SpecError(trace_file, 0, "--trace: is a directory, not a file name");
  if (::access(parent.c_str(), W_OK | X_OK) != 0) {
    throw SpecError(trace_file, 0, fmt::format("--trace: the folder '{}' is not writable: {}", parent.string(),
                                               std::strerror(errno)));
  }
}

// Under the run lock: --restart discards what an earlier run left; without
// --resume, an earlier run's journal is never silently replaced.
void settle_journal(const fs::path& dir, const RunOptions& options) {
  if (options.restart) {
    discard_earlier_run(dir);
  } else if (!options.resume && !journal_files(journal_dir(dir)).empty()) {
    if (report_says_complete(dir)) {
      throw JobError(exit_bad_input, fmt::format("output directory '{}' holds the journal of a complete run of this "
                                                 "job (see its report.json), so --resume has nothing left to do: "
                                                 "pass --restart to discard it and run again, or --out DIR to run "
                                                 "elsewhere",
                                                 dir.string()));
    }
    throw JobError(exit_bad_input, fmt::format("output directory '{}' holds the journal of an earlier run: pass "
                                               "--resume to finish that run, or --restart to discard it and start "
                                               "again",
                                               dir.string()));
  }
  std::error_code ec;
  fs::create_directories(journal_dir(dir), ec);
  if (ec) output_dir_problem(dir, "cannot create its journal directory", ec.value());
}

// Rank 0 matches the spec's points against the journal's point table (a
// resume of a sweep extended since keeps the old points' ids). Returns the
// spec position of each point id (empty: unchanged) and the points added.
struct PointIdDecision {
  std::vector<std::uint64_t> spec_position;
  std::uint64_t added = 0;
  bool write_table = false;
};

PointIdDecision match_point_ids(const JobSpec& job, const TaskSpace& space, const RunOptions& options) {
  PointIdDecision decision;
  const fs::path dir = journal_dir(job.output_dir);
  const auto table = options.resume ? read_point_table(dir) : std::nullopt;
  if (table) {
    auto ids = match_points(*table, point_fingerprints(space));
    if (!ids.problem.empty()) {
      throw SpecError(point_table_path(dir).string(), 0,
                      fmt::format("{}. Pass --restart to discard the journal (and its results), or --out to run "
                                  "elsewhere",
                                  ids.problem));
    }
    decision.added = ids.added;
    if (!ids.identity()) decision.spec_position = std::move(ids.spec_position);
  } else if (options.resume && !journal_files(dir).empty()) {
    throw SpecError(point_table_path(dir).string(), 0,
                    "missing: the journal cannot say which sweep point each result belongs to. Pass --restart to "
                    "discard it, or --out to run elsewhere");
  }
  decision.write_table = options.journal && (!table || decision.added > 0);
  return decision;
}

// Rank 0: reads what earlier runs journaled (refusing files of another
// job), and which tasks they leave to run.
std::vector<std::uint8_t> read_earlier_runs(PreparedRun& run, const RunOptions& options, bool write_table) {
  std::vector<std::uint8_t> skip(run.space.tasks(), 0);
  const auto fingerprints = point_fingerprints(run.space);
  const fs::path dir = journal_dir(run.job.output_dir);
  if (options.resume) {
    run.earlier = load_journal(dir, run.job, fingerprints, run.space.tasks(), options.allow_changed_program);
    if (run.earlier.newly_accepted_programs && !options.quiet) {
      fmt::print(stderr,
                 "partita: warning: {}: resuming with a changed program (--allow-changed-program): results of earlier "
                 "runs came from another version of it; the journal notes this\n",
                 run.job.output_dir);
    }
    skip = run.earlier.results.done;
    // A quarantined task stays failed: --retry-failed reruns the others.
    for (auto& f : run.earlier.failures) {
      f.quarantined = f.crashes >= static_cast<std::uint32_t>(run.job.quarantine_after);
      if (!options.retry_failed || f.quarantined) skip[f.task] = 1;
    }
    run.crashes = run.earlier.crashes;
  }
  // The table is written once the journal is known to be this job's.
  if (write_table) write_point_table(dir, fingerprints);
  return skip;
}

template <class T>
void broadcast_vector(const Context& ctx, std::vector<T>& values, MPI_Datatype type) {
  std::uint64_t count = values.size();
  MPI_Bcast(&count, 1, MPI_UINT64_T, 0, ctx.comm());
  values.resize(count);
  // In slices: an MPI count is an int.
  constexpr std::uint64_t slice = 1u << 30;
  for (std::uint64_t at = 0; at < count; at += slice) {
    MPI_Bcast(values.data() + at, static_cast<int>(std::min(slice, count - at)), type, 0, ctx.comm());
  }
}

JournalWriter open_journal(const Context& ctx, const PreparedRun& run, const RunOptions& options) {
  const fs::path path =
      journal_dir(run.job.output_dir) / fmt::format("rank-{}.run-{}.journal", ctx.rank(), run.earlier.next_run);
  try {
    fault_point(ctx.rank(), "journal");
    return JournalWriter(path,
                         JournalHeader{journal_identity(run.job, point_fingerprints(run.space), run.earlier.accepted_programs), version_string,
                                       static_cast<std::uint32_t>(run.job.kernel->outputs.size()),
                                       static_cast<std::uint32_t>(ctx.rank()), run.earlier.next_run},
                         JournalOptions{options.journal_flush_records, options.journal_flush_seconds, true});
  } catch (const IoError&) {
    throw;
  } catch (const Error& e) {
    throw IoError(e.what());  // a full disk or a vanished directory: nothing ran yet
  }
}

// The digest of a command's program files, read once by rank 0 (on
// thousands of ranks, every rank reading the executable would load a
// shared file system for nothing) and given to every rank.
void take_program_digest(const Context& ctx, JobSpec& job) {
  std::string digest;
  on_every_rank(ctx, [&] {
    if (ctx.rank() != 0) return;
    try {
      digest = program_digest(*job.command);
    } catch (const Error& e) {
      throw JobError(exit_bad_input, e.what());
    }
  }, Blame::job);
  auto command = std::make_shared<CommandSpec>(*job.command);
  command->digest = broadcast_text(ctx, digest);
  job.command = std::move(command);
}

}  // namespace

PreparedRun prepare(const Context& ctx, const RunOptions& options, ParsedJob parsed) {
  const bool root = ctx.rank() == 0;
  on_every_rank(ctx, [&] {
    if (!parsed.job) throw JobError(exit_bad_input, parsed.error);
  });
  JobSpec job = std::move(*parsed.job);
  if (!options.out_dir.empty()) job.output_dir = options.out_dir;
  if (job.command) take_program_digest(ctx, job);
  TaskSpace space(job);
  PreparedRun run{std::move(job), std::move(space), {}, {}, {}, {}, 0, {}, {}, false};

  // The output directory, its lock and the earlier runs' journal: rank 0.
  PointIdDecision ids;
  std::vector<std::uint8_t> skip;
  on_every_rank(ctx, [&] {
    fault_point(ctx.rank(), "prepare");
    check_trace_path(options.trace_file);
  });
  on_every_rank(ctx, [&] {
    if (!root) return;
    if (const auto limit = process_memory_limit()) check_job_memory(run.job, *limit);
    prepare_output_dir(run.job.output_dir, options.quiet);
    run.lock = std::make_unique<RunLock>(run.job.output_dir);
    if (!run.lock->held()) throw JobError(exit_bad_input, run.lock->problem());
    settle_journal(run.job.output_dir, options);
    ids = match_point_ids(run.job, run.space, options);
  }, Blame::job);
  broadcast_vector(ctx, ids.spec_position, MPI_UINT64_T);
  MPI_Bcast(&ids.added, 1, MPI_UINT64_T, 0, ctx.comm());
  if (!ids.spec_position.empty()) run.space.renumber(std::move(ids.spec_position));
  run.points_added = ids.added;

  on_every_rank(ctx, [&] {
    if (root) skip = read_earlier_runs(run, options, ids.write_table);
  }, Blame::job);
  broadcast_vector(ctx, skip, MPI_BYTE);
  MPI_Bcast(&run.earlier.next_run, 1, MPI_UINT32_T, 0, ctx.comm());
  // Every rank's journal header notes the earlier programs accepted.
  auto accepted = static_cast<std::uint64_t>(run.earlier.accepted_programs.size());
  MPI_Bcast(&accepted, 1, MPI_UINT64_T, 0, ctx.comm());
  run.earlier.accepted_programs =
      unpack_texts(broadcast_text(ctx, pack_texts(run.earlier.accepted_programs)), static_cast<std::size_t>(accepted));
  if (run.job.isolation == Isolation::process && options.resume) broadcast_vector(ctx, run.crashes, MPI_BYTE);
  run.crashes.resize(run.job.isolation == Isolation::process && options.resume ? run.space.tasks() : 0);
  for (std::uint64_t task = 0; task < run.space.tasks(); ++task) {
    if (skip[task] == 0) run.todo.push_back(task);
  }

  // Nothing left to run and the files already written: keep them as they are.
  int complete = 0;
  if (root) complete = options.resume && run.todo.empty() && report_says_complete(run.job.output_dir);
  MPI_Bcast(&complete, 1, MPI_INT, 0, ctx.comm());
  run.already_complete = complete != 0;
  if (run.already_complete) return run;

  if (options.journal) on_every_rank(ctx, [&] { run.journal.emplace(open_journal(ctx, run, options)); });
  if (run.job.command) {
    on_every_rank(ctx, [&] { run.task_log = std::make_unique<TaskLogWriter>(task_log_path(run.job.output_dir, ctx.rank()), run.earlier.next_run); });
  }
  return run;
}

}  // namespace partita::launch

#include "run_command.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "exit_codes.hpp"
#include "failure_log.hpp"
#include "job_spec.hpp"
#include "partita/error.hpp"
#include "partita/for_each.hpp"
#include "partita/gather.hpp"
#include "partita/runtime.hpp"
#include "partita/version.hpp"
#include "placement_warnings.hpp"
#include "rank_messages.hpp"
#include "result_files.hpp"
#include "run_report.hpp"
#include "run_summary.hpp"
#include "spec_error.hpp"
#include "task_runner.hpp"
#include "task_space.hpp"
#include "trace_file.hpp"

namespace partita::launch {

namespace fs = std::filesystem;

namespace {

void print_error(const std::string& message) { fmt::print(stderr, "partita: error: {}\n", message); }

// Creates the output directory and proves it writable before any work runs,
// so a typo in a path costs seconds, not a finished sweep. Rank 0 only.
std::string prepare_output_dir(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) {
    return fmt::format("output directory '{}': exists but is not a directory", dir.string());
  }
  fs::create_directories(dir, ec);
  if (ec) return fmt::format("output directory '{}': cannot create it: {}", dir.string(), ec.message());
  const fs::path probe = dir / ".partita-write-probe";
  std::FILE* file = std::fopen(probe.c_str(), "wb");
  if (file == nullptr) {
    return fmt::format("output directory '{}': not writable: {}", dir.string(), std::strerror(errno));
  }
  std::fclose(file);
  fs::remove(probe, ec);
  return {};
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

// max_failures as a count: a fraction is of all tasks; 0 means no limit.
std::uint64_t failure_limit(double max_failures, std::uint64_t tasks) {
  if (max_failures <= 0.0) return 0;
  if (max_failures >= 1.0) return static_cast<std::uint64_t>(max_failures);
  return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(max_failures * static_cast<double>(tasks))));
}

// Collective: exit_task_failed on every rank if any rank had a failure.
int failures_exit_code(const Context& ctx, const RankResults& results) {
  bool any = false;
  for (const auto& worker : results.failures) any = any || !worker.empty();
  return detail::any_rank(ctx, any) ? exit_task_failed : exit_success;
}

int run_job(const Runtime& runtime, const RunOptions& options) {
  const Context& ctx = runtime.context();
  const bool root = ctx.rank() == 0;
  const auto start = std::chrono::steady_clock::now();

  // Every rank parses the same file, so every rank reaches the same verdict
  // without a message; only rank 0 speaks.
  JobSpec job;
  try {
    job = parse_job_spec(options.job_file, builtin_kernels());
  } catch (const SpecError& e) {
    if (root) print_error(e.what());
    return exit_bad_input;
  }
  if (!options.out_dir.empty()) job.output_dir = options.out_dir;
  const TaskSpace space(job);

  const std::string dir_problem = broadcast_text(ctx, root ? prepare_output_dir(job.output_dir) : std::string());
  if (!dir_problem.empty()) {
    if (root) print_error(dir_problem + " (set [output] dir in the job or pass --out DIR)");
    return exit_bad_input;
  }
  if (options.warnings) warn_about_placement(ctx);

  const Schedule schedule = options.schedule.value_or(job.schedule);
  // auto starts the most expensive tasks first when the kernel can say which.
  const std::vector<std::uint64_t> order =
      schedule.kind == Schedule::Kind::automatic ? most_expensive_first(job, space) : std::vector<std::uint64_t>{};
  const int per_task = threads_per_task(ctx, options.threads_per_task.value_or(job.threads_per_task), space.tasks());
  ProgressPrinter progress(options.progress, options.progress_interval, root, options.quiet);
  progress.start(job.name, space.tasks(), ctx.size(), ctx.threads());

  // A common time zero for the trace: every rank leaves the barrier together.
  if (!options.trace_file.empty()) MPI_Barrier(ctx.comm());
  std::atomic<bool> stop{false};
  const TaskRunOptions run{{schedule, order, progress.options(), per_task, &stop},
                           !options.trace_file.empty(),
                           std::chrono::steady_clock::now(),
                           job.retries,
                           failure_limit(job.max_failures, space.tasks()),
                           &stop};
  RankResults results(workers_per_rank(ctx, per_task));
  const WorkStats stats = run_tasks(ctx, job, space, run, results);

  const std::size_t outputs = job.kernel->outputs.size();
  const auto [ids, mine] = results.merged();
  std::uint64_t ran = ids.size();
  MPI_Allreduce(MPI_IN_PLACE, &ran, 1, MPI_UINT64_T, MPI_SUM, ctx.comm());
  const auto values = gather_by_id<double>(ctx, ids, mine, space.tasks(), outputs, 0, std::nan(""));
  const auto failures = gather_failures(ctx, results);
  const auto ranks = gather_rank_reports(ctx, stats);
  if (run.trace) write_trace(ctx, results.slices, options.trace_file);
  const bool complete = ran == space.tasks();
  const int code = !complete ? exit_too_many_failures : failures_exit_code(ctx, results);
  if (!root) return code;

  const RunReport report{fingerprint(space.identity(job) + ";version=" + version_string),
                         schedule.name(),
                         !order.empty(),
                         per_task,
                         stats.spread,
                         ran,
                         failures.size(),
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                         ranks};
  const fs::path dir = job.output_dir;
  write_failures(dir, space, failures);
  const auto report_file = write_report(dir, job, space, report);
  if (!complete) {
    print_error(fmt::format("stopped after {} failed tasks (max_failures = {}): {} of {} tasks ran; see {}",
                            failures.size(), job.max_failures, ran, space.tasks(), (dir / "failures.csv").string()));
    return code;
  }
  const RunSummary summary{write_results(dir, job, space, values), write_summary(dir, job, space, values),
                           report_file};
  progress.finish(space.tasks(), report.wall_seconds, summary.results.string());
  if (!options.quiet && !progress.json()) print_summary(job, space, values, report, summary);
  if (!failures.empty()) {
    print_error(fmt::format("{} of {} tasks failed (first: task {}: {}); see {}", failures.size(), space.tasks(),
                            failures.front().task, failures.front().message, (dir / "failures.csv").string()));
  }
  return code;
}

}  // namespace

int run_command(const RunOptions& options, int* argc, char*** argv) {
  const Runtime runtime(argc, argv, {MPI_COMM_WORLD, options.threads});
  try {
    return run_job(runtime, options);
  } catch (const std::exception& e) {
    // Not bad input and not a task: an I/O or MPI problem after the start.
    print_error(fmt::format("rank {}: {}", runtime.context().rank(), e.what()));
    return exit_internal;
  }
}

}  // namespace partita::launch

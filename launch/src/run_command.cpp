#include "run_command.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "exit_codes.hpp"
#include "job_spec.hpp"
#include "partita/error.hpp"
#include "partita/for_each.hpp"
#include "partita/gather.hpp"
#include "partita/runtime.hpp"
#include "partita/worker.hpp"
#include "partita/version.hpp"
#include "rank_messages.hpp"
#include "result_files.hpp"
#include "run_summary.hpp"
#include "spec_error.hpp"
#include "task_space.hpp"

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

// Says, once on rank 0, which ranks run fewer threads than asked because
// their affinity mask holds fewer CPUs, and how to launch them instead.
void warn_about_threads(const Context& ctx) {
  const ThreadChoice& choice = ctx.thread_choice();
  int mine[3] = {choice.threads, choice.wanted, choice.cpus};
  std::vector<int> all(ctx.rank() == 0 ? 3 * ctx.size() : 0);
  MPI_Gather(mine, 3, MPI_INT, all.data(), 3, MPI_INT, 0, ctx.comm());
  if (ctx.rank() != 0) return;
  std::vector<int> clamped;
  for (int r = 0; r < ctx.size(); ++r) {
    if (all[3 * r + 1] > all[3 * r]) clamped.push_back(r);
  }
  if (clamped.empty()) return;
  const int r = clamped.front();
  fmt::print(stderr,
             "partita: warning: {} of {} ranks asked for {} threads ({}) but may run on only {} CPU(s), so they run "
             "{} (rank {} first). Give each rank its cores: mpirun --map-by slot:PE={} ... (or --bind-to none).\n",
             clamped.size(), ctx.size(), all[3 * r + 1], choice.source, all[3 * r + 2], all[3 * r], r,
             all[3 * r + 1]);
}

// What this rank computed: the ids it ran and their outputs, kept per
// worker thread so that workers never share a container.
struct RankResults {
  std::vector<std::vector<std::uint64_t>> ids;
  std::vector<std::vector<double>> values;

  explicit RankResults(int workers) : ids(workers), values(workers) {}

  // All workers' results, concatenated: ids and values stay paired.
  std::pair<std::vector<std::uint64_t>, std::vector<double>> merged() const {
    std::pair<std::vector<std::uint64_t>, std::vector<double>> all;
    for (std::size_t w = 0; w < ids.size(); ++w) {
      all.first.insert(all.first.end(), ids[w].begin(), ids[w].end());
      all.second.insert(all.second.end(), values[w].begin(), values[w].end());
    }
    return all;
  }
};

// Runs the tasks this rank is given under the schedule. A kernel error
// becomes a TaskError naming the task.
WorkStats run_tasks(const Context& ctx, const JobSpec& job, const TaskSpace& space, const Schedule& schedule,
                    RankResults& results) {
  const std::size_t outputs = job.kernel->outputs.size();
  return for_each(
      ctx, space.tasks(),
      [&](std::uint64_t task) {
        const int worker = current_worker();
        Rng rng(job.seed, task);
        std::vector<double>& values = results.values[worker];
        values.resize(values.size() + outputs);
        std::span<double> out(values.data() + values.size() - outputs, outputs);
        try {
          job.kernel->evaluate(space.params(space.point_of(task)), rng, out);
        } catch (const std::exception& e) {
          values.resize(values.size() - outputs);
          throw TaskError(task, fmt::format("kernel '{}' failed at {} (repeat {}): {}", job.kernel->name,
                                            space.describe_point(space.point_of(task)), space.repeat_of(task),
                                            e.what()));
        }
        results.ids[worker].push_back(task);
      },
      schedule);
}

std::vector<RankReport> gather_rank_reports(const Context& ctx, const WorkStats& stats) {
  const double mine[5] = {static_cast<double>(ctx.node_rank()), static_cast<double>(ctx.threads()),
                          static_cast<double>(stats.tasks()), stats.busy_seconds(), stats.wall_seconds};
  std::vector<double> all(ctx.rank() == 0 ? 5 * ctx.size() : 0);
  MPI_Gather(mine, 5, MPI_DOUBLE, all.data(), 5, MPI_DOUBLE, 0, ctx.comm());
  std::vector<RankReport> reports;
  for (int r = 0; r < static_cast<int>(all.size() / 5); ++r) {
    const double* v = &all[5 * r];
    reports.push_back({r, static_cast<int>(v[0]), static_cast<int>(v[1]), static_cast<std::uint64_t>(v[2]), v[3],
                       v[4]});
  }
  return reports;
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
  warn_about_threads(ctx);

  const Schedule schedule = options.schedule.value_or(job.schedule);
  RankResults results(ctx.threads());
  WorkStats stats;
  std::string failure;
  try {
    stats = run_tasks(ctx, job, space, schedule, results);
  } catch (const TaskError& e) {
    failure = e.what();
  }
  if (detail::any_rank(ctx, !failure.empty())) {
    const auto messages = gather_text(ctx, failure);
    for (std::size_t r = 0; r < messages.size(); ++r) {
      if (!messages[r].empty()) print_error(fmt::format("rank {}: {}", r, messages[r]));
    }
    return exit_task_failed;
  }

  const std::size_t outputs = job.kernel->outputs.size();
  const auto [ids, mine] = results.merged();
  const auto values = gather_by_id<double>(ctx, ids, mine, space.tasks(), outputs);
  const auto ranks = gather_rank_reports(ctx, stats);
  if (!root) return exit_success;

  RunReport report{fingerprint(space.identity(job) + ";version=" + version_string),
                   schedule.name(),
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), ranks};
  const fs::path dir = job.output_dir;
  RunSummary summary{write_results(dir, job, space, values), write_summary(dir, job, space, values),
                     write_report(dir, job, space, report)};
  if (!options.quiet) print_summary(job, space, values, report, summary);
  return exit_success;
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

// `partita run JOB.toml`: its options, their checks, and the handler that
// hands the run to run_job (run/run_job.cpp).
#include "commands/run_command.hpp"

#include <map>
#include <memory>
#include <stdexcept>

#include "commands/exit_codes.hpp"
#include "commands/subcommand.hpp"
#include "spec/deadline.hpp"

namespace partita::launch {

namespace {

// The command as typed, without --resume/--restart, for "resume with:".
std::string resume_command(int argc, char** argv) {
  std::string command;
  const char* launcher = std::getenv("OMPI_COMM_WORLD_SIZE");
  const char* srun_tasks = std::getenv("SLURM_STEP_NUM_TASKS");  // set by srun for its tasks
  if (launcher != nullptr && std::string(launcher) != "1") {
    command = std::string("mpirun -np ") + launcher + " ";
  } else if (srun_tasks != nullptr && std::getenv("SLURM_STEP_ID") != nullptr) {
    command = std::string("srun -n ") + srun_tasks + " ";
  }
  for (int i = 0; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--resume" || arg == "--restart") continue;
    command += (i == 0 ? "" : " ") + arg;
  }
  return command;
}

// What the command line says before it becomes RunOptions.
struct RunArguments {
  RunOptions options;
  std::string schedule;
  std::string threads_per_task;
  std::string progress = "auto";
  std::string deadline;
  bool no_warnings = false;
  bool no_journal = false;
};

std::string check_schedule(const std::string& text) {
  try {
    Schedule::parse(text);
    return {};
  } catch (const std::exception& e) {
    return e.what();
  }
}

std::string check_threads_per_task(const std::string& text) {
  if (text == "auto") return {};
  try {
    const int t = std::stoi(text);
    if (t >= 1 && t <= 4096 && std::to_string(t) == text) return {};
  } catch (const std::exception&) {
  }
  return "--threads-per-task " + text + ": must be an integer in [1, 4096] or auto";
}

std::string check_not_empty(const std::string& text) {
  return text.empty() ? "must not be empty (leave the option out for the job's own [output] dir)" : "";
}

int run_handler(RunArguments& args, int* argc, char*** argv) {
  RunOptions& run = args.options;
  if (!args.deadline.empty()) {
    const auto seconds = parse_deadline(args.deadline);
    if (!seconds) {
      return usage_error("--deadline " + args.deadline +
                         ": must be seconds (3600), a duration (1h30m, 90m, 45s) or a clock time today (HH:MM)");
    }
    run.deadline_seconds = *seconds;
  }
  static const std::map<std::string, ProgressMode> progress_modes{{"auto", ProgressMode::automatic},
                                                                  {"text", ProgressMode::text},
                                                                  {"json", ProgressMode::json},
                                                                  {"none", ProgressMode::none}};
  run.command_line = resume_command(*argc, *argv);
  run.journal = !args.no_journal;
  if (!args.schedule.empty()) run.schedule = Schedule::parse(args.schedule);
  run.progress = progress_modes.at(args.progress);
  if (!args.threads_per_task.empty()) {
    run.threads_per_task = args.threads_per_task == "auto" ? 0 : std::stoi(args.threads_per_task);
  }
  const char* quiet_env = std::getenv("PARTITA_NO_WARNINGS");
  run.warnings = !args.no_warnings && !(quiet_env != nullptr && std::string(quiet_env) == "1");
  return run_job(run, argc, argv);
}

}  // namespace

Subcommand add_run_command(CLI::App& partita) {
  auto args = std::make_shared<RunArguments>();
  RunOptions& run = args->options;
  auto* app = partita.add_subcommand("run", "Run a job: mpirun -np R partita run JOB.toml");
  app->add_option("job", run.job_file, "the job spec (TOML)")->required();
  app->add_option("--out", run.out_dir, "output directory (overrides [output] dir)")->check(check_not_empty, "DIR");
  app->add_option("--threads", run.threads, "OpenMP threads per rank (default: OMP_NUM_THREADS, else the CPUs the "
                                            "rank may run on)")
      ->check(CLI::Range(1, 4096));
  app->add_option("--schedule", args->schedule,
                  "static, cyclic, dynamic[:CHUNK], guided or auto (overrides the job's schedule)")
      ->check(check_schedule, "SCHEDULE");
  app->add_flag("--quiet,-q", run.quiet, "print nothing but errors and warnings");
  app->add_option("--threads-per-task", args->threads_per_task,
                  "OpenMP threads inside each task: T, or auto (1 while tasks outnumber threads)")
      ->check(check_threads_per_task, "T|auto");
  app->add_flag("--no-warnings", args->no_warnings,
                "no placement warnings (thread clamping, oversubscription, unbound threads); PARTITA_NO_WARNINGS=1 "
                "does the same");
  app->add_flag("--report-bindings", run.report_bindings,
                "first print where each rank and thread may run (as partita info)");
  app->add_option("--trace", run.trace_file, "write a Chrome/Perfetto trace (one slice per task) to FILE")
      ->check(check_not_empty, "FILE");
  app->add_option("--progress", args->progress,
                  "auto (a live line on a terminal, a line every interval in a log), text, json (JSON-lines events on "
                  "stdout) or none")
      ->check(CLI::IsMember({"auto", "text", "json", "none"}));
  app->add_option("--progress-interval", run.progress_interval, "seconds between progress reports")
      ->check(CLI::Range(0.01, 86400.0));
  auto* resume = app->add_flag("--resume", run.resume,
                               "finish the run whose journal is in the output directory, with any number of ranks: "
                               "only tasks not yet journaled run");
  app->add_flag("--restart", run.restart,
                "discard the output directory's journal and results (only files Partita wrote), start again")
      ->excludes(resume);
  app->add_flag("--retry-failed", run.retry_failed, "with --resume: run the journaled failures again too")
      ->needs(resume);
  app->add_flag("--allow-changed-program", run.allow_changed_program,
                "with --resume: accept that a command job's program changed since its journal began (the journal "
                "notes it; results.csv then mixes both versions)")
      ->needs(resume);
  app->add_option("--grace", run.grace_seconds,
                  "seconds running tasks may take after SIGTERM/SIGINT/SIGUSR1 (default 30)")
      ->check(CLI::Range(0.0, 86400.0));
  app->add_option("--deadline", args->deadline,
                  "start no task that, at the measured pace, would end after this: seconds from the start (3600), a "
                  "duration (1h30m, 90m, 45s) or a clock time today (HH:MM)");
  app->add_flag("--no-journal", args->no_journal,
                "keep no journal: a throwaway run that cannot be resumed (and benchmarks of the journal's cost)");
  app->add_option("--journal-flush-records", run.journal_flush_records,
                  "flush the journal after this many results (default 1024)")
      ->check(CLI::Range(1, 100000000));
  app->add_option("--journal-flush-seconds", run.journal_flush_seconds, "...or after this many seconds (default 2)")
      ->check(CLI::Range(0.0, 3600.0));
  return {app, [args](int* argc, char*** argv) { return run_handler(*args, argc, argv); }};
}

}  // namespace partita::launch

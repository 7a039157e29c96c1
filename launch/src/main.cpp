// The partita command: parses the command line and turns every outcome into
// a documented exit code (exit_codes.hpp). Library code below only throws.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <thread>
#include <map>
#include <stdexcept>
#include <string>

#include "commands/exit_codes.hpp"
#include "spec/deadline.hpp"
#include "commands/batch_command.hpp"
#include "commands/info_command.hpp"
#include "commands/kernels_command.hpp"
#include "commands/status_command.hpp"
#include "partita/version.hpp"
#include "commands/run_command.hpp"

namespace {

using partita::launch::exit_bad_input;

// Under mpirun every rank parses the command line; a usage error is printed
// once, by the process that will be rank 0.
bool is_first_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK", "SLURM_PROCID"}) {
    if (const char* value = std::getenv(name)) return std::atoi(value) == 0;
  }
  return true;
}

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

// Bad input is reported in one line, whatever CLI11 wrote.
std::string one_line(std::string text) {
  for (char& c : text) c = c == '\n' ? ' ' : c;
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"partita: repeated computations over MPI ranks x OpenMP threads", "partita"};
  app.set_version_flag("--version", std::string("partita ") + partita::version_string);
  app.require_subcommand(1);

  partita::launch::RunOptions run;
  auto* run_cmd = app.add_subcommand("run", "Run a job: mpirun -np R partita run JOB.toml");
  run_cmd->add_option("job", run.job_file, "the job spec (TOML)")->required();
  run_cmd->add_option("--out", run.out_dir, "output directory (overrides [output] dir)");
  run_cmd->add_option("--threads", run.threads, "OpenMP threads per rank (default: OMP_NUM_THREADS, else the "
                                                "CPUs the rank may run on)")
      ->check(CLI::Range(1, 4096));
  std::string schedule;
  run_cmd->add_option("--schedule", schedule,
                      "static, cyclic, dynamic[:CHUNK], guided or auto (overrides the job's schedule)")
      ->check([](const std::string& text) -> std::string {
        try {
          partita::Schedule::parse(text);
          return {};
        } catch (const std::invalid_argument& e) {
          return e.what();
        }
      });
  run_cmd->add_flag("--quiet,-q", run.quiet, "print nothing but errors and warnings");
  std::string per_task;
  run_cmd->add_option("--threads-per-task", per_task,
                      "OpenMP threads inside each task: T, or auto (1 while tasks outnumber threads)")
      ->check([](const std::string& text) -> std::string {
        if (text == "auto") return {};
        try {
          const int t = std::stoi(text);
          if (t >= 1 && t <= 4096 && std::to_string(t) == text) return {};
        } catch (const std::exception&) {
        }
        return "--threads-per-task " + text + ": must be an integer in [1, 4096] or auto";
      });
  bool no_warnings = false;
  run_cmd->add_flag("--no-warnings", no_warnings,
                    "no placement warnings (thread clamping, oversubscription, unbound threads); "
                    "PARTITA_NO_WARNINGS=1 does the same");
  run_cmd->add_flag("--report-bindings", run.report_bindings,
                    "first print where each rank and thread may run (as partita info)");
  run_cmd->add_option("--trace", run.trace_file, "write a Chrome/Perfetto trace (one slice per task) to FILE");
  const std::map<std::string, partita::launch::ProgressMode> progress_modes{
      {"auto", partita::launch::ProgressMode::automatic},
      {"text", partita::launch::ProgressMode::text},
      {"json", partita::launch::ProgressMode::json},
      {"none", partita::launch::ProgressMode::none}};
  std::string progress = "auto";
  run_cmd->add_option("--progress", progress,
                      "auto (a live line on a terminal, a line every interval in a log), text, json (JSON-lines "
                      "events on stdout) or none")
      ->check(CLI::IsMember({"auto", "text", "json", "none"}));
  run_cmd->add_option("--progress-interval", run.progress_interval, "seconds between progress reports")
      ->check(CLI::Range(0.01, 86400.0));

  run_cmd->add_flag("--resume", run.resume, "finish the run whose journal is in the output directory, with any "
                                            "number of ranks: only tasks not yet journaled run");
  run_cmd->add_flag("--restart", run.restart, "discard the output directory's journal and results, start again");
  run_cmd->add_flag("--retry-failed", run.retry_failed, "with --resume: run the journaled failures again too");
  run_cmd->add_option("--grace", run.grace_seconds,
                      "seconds running tasks may take after SIGTERM/SIGINT/SIGUSR1 (default 30)")
      ->check(CLI::Range(0.0, 86400.0));
  std::string deadline;
  run_cmd->add_option("--deadline", deadline,
                      "start no task that, at the measured pace, would end after this: seconds from the start "
                      "(3600), a duration (1h30m, 90m, 45s) or a clock time today (HH:MM)");
  bool no_journal = false;
  run_cmd->add_flag("--no-journal", no_journal,
                    "keep no journal: a throwaway run that cannot be resumed (and benchmarks of the journal's cost)");
  run_cmd->add_option("--journal-flush-records", run.journal_flush_records,
                      "flush the journal after this many results (default 1024)")
      ->check(CLI::Range(1, 100000000));
  run_cmd->add_option("--journal-flush-seconds", run.journal_flush_seconds,
                      "...or after this many seconds (default 2)")
      ->check(CLI::Range(0.0, 3600.0));

  std::string status_dir;
  auto* status_cmd = app.add_subcommand("status", "Done, failed and remaining tasks of an output directory's "
                                                  "journal (no MPI)");
  status_cmd->add_option("dir", status_dir, "the job's output directory")->required();

  auto* kernels_cmd = app.add_subcommand("kernels", "List kernels with their parameters and outputs");

  partita::launch::BatchRequest batch;
  std::string scheduler, launcher;
  auto* batch_cmd = app.add_subcommand(
      "batch", "Write a Slurm or PBS script for a job (and submit it with --submit): it binds ranks and threads, "
               "drains at the walltime and resubmits itself with --resume until the sweep is done");
  batch_cmd->add_option("job", batch.job_file, "the job spec (TOML)")->required();
  batch_cmd->add_option("--scheduler", scheduler, "slurm or pbs")->required()->check(CLI::IsMember({"slurm", "pbs"}));
  batch_cmd->add_option("--nodes", batch.options.nodes, "nodes (default 1)")->check(CLI::Range(1, 100000));
  batch_cmd->add_option("--ranks-per-node", batch.options.ranks_per_node, "MPI ranks per node (default 1)")
      ->check(CLI::Range(1, 4096));
  batch_cmd->add_option("--threads", batch.options.threads, "OpenMP threads (cores) per rank (default 1)")
      ->check(CLI::Range(1, 4096));
  batch_cmd->add_option("--time", batch.options.time, "walltime of one allocation, HH:MM:SS")->required();
  batch_cmd->add_option("--partition", batch.options.partition, "Slurm partition or PBS queue");
  batch_cmd->add_option("--account", batch.options.account, "account to charge");
  batch_cmd->add_option("--output-dir", batch.output_dir, "the job's output directory (overrides [output] dir)");
  batch_cmd->add_option("--script", batch.script, "where to write the script (default: in the output directory)");
  batch_cmd->add_option("--launcher", launcher, "Slurm: srun (default) or mpirun; PBS: mpirun")
      ->check(CLI::IsMember({"srun", "mpirun"}));
  batch_cmd->add_option("--max-resubmits", batch.options.max_resubmits,
                        "allocations after the first, at most (default 10)")
      ->check(CLI::Range(0, 1000));
  batch_cmd->add_option("--signal-lead", batch.options.signal_lead,
                        "Slurm: seconds before the walltime that USR1 asks the run to drain (default 120)")
      ->check(CLI::Range(10, 86400));
  batch_cmd->add_flag("--submit", batch.submit, "submit the script (sbatch or qsub) and print the job id");

  partita::launch::InfoOptions info;
  auto* info_cmd = app.add_subcommand("info", "Where each rank and thread may run (host, CPUs, NUMA node), and "
                                              "what is wrong with it: mpirun -np R partita info");
  info_cmd->add_flag("--json", info.json, "JSON on stdout instead of the table");
  info_cmd->add_option("--threads", info.threads, "OpenMP threads per rank, as for run")->check(CLI::Range(1, 4096));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    if (is_first_rank()) {
      fmt::print(stderr, "partita: error: {} (see 'partita --help')\n", one_line(e.what()));
    } else {
      // mpirun tears the job down at the first non-zero exit: let the rank
      // that prints go first, or its message may never appear.
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    return exit_bad_input;
  }

  if (kernels_cmd->parsed()) return partita::launch::kernels_command();
  if (status_cmd->parsed()) return partita::launch::status_command(status_dir);
  if (info_cmd->parsed()) return partita::launch::info_command(info, &argc, &argv);
  if (batch_cmd->parsed()) {
    batch.options.scheduler = scheduler == "pbs" ? partita::launch::Scheduler::pbs : partita::launch::Scheduler::slurm;
    batch.options.launcher = launcher == "mpirun" || (launcher.empty() && scheduler == "pbs")
                                 ? partita::launch::Launcher::mpirun
                                 : partita::launch::Launcher::srun;
    return partita::launch::batch_command(batch);
  }
  if (run.resume && run.restart) {
    if (is_first_rank()) fmt::print(stderr, "partita: error: --resume and --restart exclude each other (see 'partita --help')\n");
    return exit_bad_input;
  }
  if (!deadline.empty()) {
    const auto seconds = partita::launch::parse_deadline(deadline);
    if (!seconds) {
      if (is_first_rank()) {
        fmt::print(stderr, "partita: error: --deadline {}: must be seconds (3600), a duration (1h30m, 90m, 45s) or a "
                           "clock time today (HH:MM) (see 'partita --help')\n", deadline);
      }
      return exit_bad_input;
    }
    run.deadline_seconds = *seconds;
  }
  run.command_line = resume_command(argc, argv);
  run.journal = !no_journal;
  if (!schedule.empty()) run.schedule = partita::Schedule::parse(schedule);
  run.progress = progress_modes.at(progress);
  if (!per_task.empty()) run.threads_per_task = per_task == "auto" ? 0 : std::stoi(per_task);
  const char* quiet_env = std::getenv("PARTITA_NO_WARNINGS");
  run.warnings = !no_warnings && !(quiet_env != nullptr && std::string(quiet_env) == "1");
  return partita::launch::run_command(run, &argc, &argv);
}

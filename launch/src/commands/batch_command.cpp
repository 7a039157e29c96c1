#include "commands/batch_command.hpp"

#include <memory>
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "output/atomic_file.hpp"
#include "commands/exit_codes.hpp"
#include "spec/job_spec.hpp"
#include "spec/spec_error.hpp"
#include "scheduler/subprocess.hpp"
#include "commands/subcommand.hpp"

namespace partita::launch {

namespace {

namespace fs = std::filesystem;

int fail(int code, const std::string& message) {
  fmt::print(stderr, "partita: error: {}\n", message);
  return code;
}

std::string this_executable() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("partita") : self.string();
}

}  // namespace

int batch_command(const BatchRequest& request) {
  JobSpec job;
  try {
    // The job runs on compute nodes, not here: their memory is not this one's.
    job = parse_job_spec(request.job_file, builtin_kernels(), SpecChecks{false, std::nullopt});
  } catch (const SpecError& e) {
    return fail(exit_bad_input, e.what());
  }
  if (const std::string problem = check_batch_options(request.options); !problem.empty()) {
    return fail(exit_bad_input, problem);
  }
  std::error_code ec;
  const fs::path out = fs::absolute(request.output_dir.empty() ? job.output_dir : request.output_dir, ec);
  fs::create_directories(out, ec);
  if (ec) return fail(exit_bad_input, fmt::format("output directory '{}': cannot create it: {}", out.string(), ec.message()));
  const bool slurm = request.options.scheduler == Scheduler::slurm;
  const fs::path script = request.script.empty() ? out / fmt::format("{}.{}.sh", job.name, slurm ? "slurm" : "pbs")
                                                 : fs::absolute(request.script);
  const BatchTarget target{this_executable(), fs::absolute(request.job_file).lexically_normal().string(), job.name,
                           out.lexically_normal().string(), script.lexically_normal().string()};
  try {
    AtomicFile file(script);
    file.write(batch_script(request.options, target));
    file.commit();
  } catch (const IoError& e) {
    return fail(exit_io_error, e.what());
  }
  fs::permissions(script, fs::perms::owner_exec, fs::perm_options::add, ec);  // ./script works too
  if (!request.submit) {
    fmt::print("{}\nsubmit with: {} {}\n", target.script, slurm ? "sbatch" : "qsub", target.script);
    return exit_success;
  }
  const ProgramOutput submitted = slurm ? run_program("sbatch", {"--parsable", target.script})
                                        : run_program("qsub", {target.script});
  if (!submitted.ok) {
    return fail(exit_internal, fmt::format("{} {} failed{}{}", slurm ? "sbatch" : "qsub", target.script,
                                           submitted.output.empty() ? " (is this a cluster's login node?)" : ": ",
                                           submitted.output));
  }
  fmt::print("{}\nsubmitted: job {}\n", target.script, submitted.output);
  return exit_success;
}

Subcommand add_batch_command(CLI::App& partita) {
  struct State {
    BatchRequest request;
    std::string scheduler;
    std::string launcher;
  };
  auto state = std::make_shared<State>();
  BatchRequest& batch = state->request;
  auto* app = partita.add_subcommand(
      "batch", "Write a Slurm or PBS script for a job (and submit it with --submit): it binds ranks and threads, "
               "drains at the walltime and resubmits itself with --resume until the sweep is done");
  app->add_option("job", batch.job_file, "the job spec (TOML)")->required();
  app->add_option("--scheduler", state->scheduler, "slurm or pbs")->required()->check(CLI::IsMember({"slurm", "pbs"}));
  app->add_option("--nodes", batch.options.nodes, "nodes (default 1)")->check(CLI::Range(1, 100000));
  app->add_option("--ranks-per-node", batch.options.ranks_per_node, "MPI ranks per node (default 1)")
      ->check(CLI::Range(1, 4096));
  app->add_option("--threads", batch.options.threads, "OpenMP threads (cores) per rank (default 1)")
      ->check(CLI::Range(1, 4096));
  app->add_option("--time", batch.options.time, "walltime of one allocation, HH:MM:SS")->required();
  app->add_option("--partition", batch.options.partition, "Slurm partition or PBS queue");
  app->add_option("--account", batch.options.account, "account to charge");
  app->add_option("--output-dir", batch.output_dir, "the job's output directory (overrides [output] dir)");
  app->add_option("--script", batch.script, "where to write the script (default: in the output directory)");
  app->add_option("--launcher", state->launcher, "Slurm: srun (default) or mpirun; PBS: mpirun")
      ->check(CLI::IsMember({"srun", "mpirun"}));
  app->add_option("--max-resubmits", batch.options.max_resubmits, "allocations after the first, at most (default 10)")
      ->check(CLI::Range(0, 1000));
  app->add_option("--signal-lead", batch.options.signal_lead,
                  "Slurm: seconds before the walltime that USR1 asks the run to drain (default 120)")
      ->check(CLI::Range(10, 86400));
  app->add_flag("--submit", batch.submit, "submit the script (sbatch or qsub) and print the job id");
  return {app, [state](int*, char***) {
            BatchRequest& request = state->request;
            const bool pbs = state->scheduler == "pbs";
            request.options.scheduler = pbs ? Scheduler::pbs : Scheduler::slurm;
            request.options.launcher = state->launcher == "mpirun" || (state->launcher.empty() && pbs)
                                           ? Launcher::mpirun
                                           : Launcher::srun;
            return batch_command(request);
          }};
}

}  // namespace partita::launch

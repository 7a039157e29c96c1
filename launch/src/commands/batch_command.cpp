#include "commands/batch_command.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "output/atomic_file.hpp"
#include "commands/exit_codes.hpp"
#include "spec/job_spec.hpp"
#include "spec/spec_error.hpp"
#include "scheduler/subprocess.hpp"

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
    job = parse_job_spec(request.job_file, builtin_kernels());
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

}  // namespace partita::launch

#include "batch_command.hpp"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "atomic_file.hpp"
#include "exit_codes.hpp"
#include "job_spec.hpp"
#include "spec_error.hpp"

namespace partita::launch {

namespace {

namespace fs = std::filesystem;

int fail(int code, const std::string& message) {
  fmt::print(stderr, "partita: error: {}\n", message);
  return code;
}

// Runs `program script` without a shell and returns what it printed, or why
// it failed.
struct Submission {
  bool ok = false;
  std::string output;
};

Submission run_submitter(const std::string& program, const std::vector<std::string>& args) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return {false, std::strerror(errno)};
  const pid_t pid = ::fork();
  if (pid < 0) return {false, std::strerror(errno)};
  if (pid == 0) {
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    std::vector<char*> argv{const_cast<char*>(program.c_str())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execvp(program.c_str(), argv.data());
    std::fprintf(stderr, "partita: error: cannot run %s: %s (is this a %s login node?)\n", program.c_str(),
                 std::strerror(errno), program == "sbatch" ? "Slurm" : "PBS");
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  Submission result;
  std::array<char, 4096> buffer;
  ssize_t got = 0;
  while ((got = ::read(pipe_fds[0], buffer.data(), buffer.size())) > 0) result.output.append(buffer.data(), got);
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  while (!result.output.empty() && (result.output.back() == '\n' || result.output.back() == ' ')) {
    result.output.pop_back();
  }
  return result;
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
  const Submission submitted = slurm ? run_submitter("sbatch", {"--parsable", target.script})
                                     : run_submitter("qsub", {target.script});
  if (!submitted.ok) {
    return fail(exit_internal, fmt::format("{} {} failed{}{}", slurm ? "sbatch" : "qsub", target.script,
                                           submitted.output.empty() ? "" : ": ", submitted.output));
  }
  fmt::print("{}\nsubmitted: job {}\n", target.script, submitted.output);
  return exit_success;
}

}  // namespace partita::launch

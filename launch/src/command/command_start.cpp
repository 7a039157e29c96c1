#include "command/command_start.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <vector>

#include "command/command_spec.hpp"
#include "spec/job_spec.hpp"
#include "spec/task_space.hpp"

extern char** environ;

namespace partita::launch {

namespace fs = std::filesystem;

namespace {

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// In the child, between fork and exec: only async-signal-safe calls.
[[noreturn]] void become_command(pid_t server, const cpu_set_t& cpus, int stdout_fd, int stderr_fd,
                                 const char* workdir, const char* program, char* const* argv, char* const* env,
                                 int report_fd) {
  const auto fail = [report_fd](int step) {
    const int reason[2] = {step, errno};
    [[maybe_unused]] const auto n = ::write(report_fd, reason, sizeof reason);
    ::_exit(127);
  };
  ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // the server is gone with its rank: so is this command
  if (::getppid() != server) ::_exit(127);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  // exec resets caught signals but keeps ignored ones: those the server,
  // the rank or a launcher may ignore go back to their defaults (one
  // syscall each: not all 64, on the path of every task).
  for (int signal : {SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGALRM, SIGTERM, SIGUSR1, SIGUSR2, SIGCHLD}) {
    ::signal(signal, SIG_DFL);
  }
  ::sched_setaffinity(0, sizeof cpus, &cpus);
  const int null = ::open("/dev/null", O_RDONLY);
  if (null < 0 || ::dup2(null, 0) < 0 || ::dup2(stdout_fd, 1) < 0 || ::dup2(stderr_fd, 2) < 0) fail(1);
  if (::chdir(workdir) != 0) fail(2);
  ::execve(program, argv, env);
  fail(3);
  ::_exit(127);  // fail() has; this tells the compiler
}

}  // namespace

TaskInvocation task_invocation(const JobSpec& job, const CommandRequest& request, const ParamSet& params) {
  TaskInvocation task;
  task.task = request.task;
  task.point = request.point;
  task.repeat = request.task % job.repeat;
  task.attempt = request.attempt;
  task.seed = task_seed(job.seed, request.task);
  task.threads = request.threads;
  task.params = &params;
  if (job.command->task_dir) {
    task.dir = task_directory(fs::absolute(job.output_dir), request.task, request.tasks_in_job).string();
  }
  return task;
}

CommandStart start_command(const JobSpec& job, const TaskSpace& space, const CommandRequest& request,
                           const cpu_set_t& cpus, int stdout_fd, int stderr_fd) {
  const CommandSpec& command = *job.command;
  CommandStart started;
  if (stdout_fd < 0 || stderr_fd < 0) {
    started.problem = "the rank passed no pipes for the command's output";
    return started;
  }
  const TaskInvocation task = task_invocation(job, request, space.params(request.spec_point));
  const std::string workdir = task.dir.empty() ? command.base_dir : task.dir;
  if (!task.dir.empty()) {
    std::error_code ec;
    fs::create_directories(task.dir, ec);
    if (ec) {
      started.error = ec.value();
      started.problem = "cannot create the task's directory " + task.dir + ": " + ec.message();
      return started;
    }
  }
  // An output file left by an earlier attempt or run must not pass for this one's.
  if (command.outputs_from == OutputsFrom::file) {
    std::error_code ignored;
    fs::remove(fs::path(workdir) / render(command.outputs_file, task), ignored);
  }
  std::vector<std::string> argv = command_line(command, task);
  std::vector<std::string> env = command_environment(task, environ);
  std::vector<char*> argv_p = pointers(argv), env_p = pointers(env);
  const std::string program = command.shell ? "/bin/sh" : command.program;

  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    started.error = errno;
    started.problem = std::string("cannot create a pipe: ") + std::strerror(errno);
    return started;
  }
  const pid_t server = ::getpid();
  // vfork: the child borrows the server's memory until it execs, so no page
  // table is copied (fork's cost grows with the server's mappings: every
  // shared library the rank loaded). The child only makes async-signal-safe
  // calls and never returns; the server waits meanwhile.
  const pid_t pid = ::vfork();
  if (pid == 0) {
    ::close(report[0]);
    become_command(server, cpus, stdout_fd, stderr_fd, workdir.c_str(), program.c_str(), argv_p.data(),
                   env_p.data(), report[1]);
  }
  ::close(report[1]);
  if (pid < 0) {
    started.error = errno;
    started.problem = std::string("cannot fork the command: ") + std::strerror(errno);
    ::close(report[0]);
    return started;
  }
  ::setpgid(pid, pid);  // also here, so the group exists before the rank may signal it
  int reason[2] = {0, 0};
  ssize_t got = 0;
  while ((got = ::read(report[0], reason, sizeof reason)) < 0 && errno == EINTR) {
  }
  ::close(report[0]);
  if (got <= 0) {
    started.pid = pid;  // the exec succeeded: the pipe closed on it
    return started;
  }
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  started.error = reason[1];
  const char* step = reason[0] == 1 ? "cannot set up its stdin, stdout and stderr"
                     : reason[0] == 2 ? "cannot enter its working directory"
                                      : "cannot execute";
  started.problem = std::string(step) + " " + (reason[0] == 2 ? workdir : program) + ": " + std::strerror(reason[1]);
  return started;
}

}  // namespace partita::launch

#include "cli_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace partita::cli_test {

namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("run_shell: " + what + ": " + std::strerror(errno));
}

// The child: own process group (so a timeout can kill mpiexec and its
// ranks together), stdin from /dev/null (mpiexec forwards stdin to rank 0
// and must not wait on the test's terminal), stdout/stderr to the pipes.
[[noreturn]] void exec_child(const std::string& command, int out_fd, int err_fd) {
  setpgid(0, 0);
  const int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
  dup2(out_fd, STDOUT_FILENO);
  dup2(err_fd, STDERR_FILENO);
  execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
  _exit(127);
}

}  // namespace

CommandResult run_shell(const std::string& command, std::chrono::seconds timeout) {
  int out_pipe[2];
  int err_pipe[2];
  if (pipe(out_pipe) != 0) fail("pipe");
  if (pipe(err_pipe) != 0) fail("pipe");
  const pid_t pid = fork();
  if (pid < 0) fail("fork");
  if (pid == 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    exec_child(command, out_pipe[1], err_pipe[1]);
  }
  setpgid(pid, pid);  // also here: the child may not have run its own setpgid yet
  close(out_pipe[1]);
  close(err_pipe[1]);

  // Both pipes are drained together: reading one to its end first would
  // deadlock once the child fills the other pipe's buffer.
  CommandResult result;
  std::array<pollfd, 2> fds{{{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}}};
  std::array<std::string*, 2> sinks{&result.out, &result.err};
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int open_pipes = 2;
  while (open_pipes > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      kill(-pid, SIGKILL);
      break;
    }
    const int ready = poll(fds.data(), fds.size(), static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) fail("poll");
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[4096];
      const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;  // poll ignores negative descriptors
        --open_pipes;
      }
    }
  }
  for (const auto& fd : fds) {
    if (fd.fd >= 0) close(fd.fd);
  }

  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) fail("waitpid");
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.exit_code = 128 + WTERMSIG(status);
  return result;
}

std::string quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string partita(const std::string& args) { return quote(PARTITA_BINARY) + " " + args; }

std::string mpiexec_partita(int ranks, const std::string& args) {
  std::string command = quote(PARTITA_MPIEXEC) + " " + PARTITA_MPIEXEC_NUMPROC_FLAG + " " + std::to_string(ranks);
  command += std::string(" ") + PARTITA_MPIEXEC_PREFLAGS + " " + quote(PARTITA_BINARY);
  return command + " " + PARTITA_MPIEXEC_POSTFLAGS + " " + args;
}

std::string expected_version() { return PARTITA_VERSION; }

}  // namespace partita::cli_test

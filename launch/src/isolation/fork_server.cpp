#include "isolation/fork_server.hpp"

#include <fmt/format.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <array>
#include <atomic>
#include <set>
#include <span>
#include <string>
#include <thread>

#include "spec/task_space.hpp"
#include "isolation/worker_process.hpp"
#include "command/command_start.hpp"
#include <algorithm>
#include <cstdio>

namespace partita::launch {

enum class ForkServer::Op : std::uint32_t { spawn = 1, reap = 2, command = 3, server = 4 };

// Fixed-size messages on a SOCK_SEQPACKET channel: one request, one reply.
struct ForkServer::Request {
  Op op = Op::spawn;
  std::int32_t pid = 0;      // reap
  std::int32_t threads = 1;  // spawn
  cpu_set_t cpus{};          // spawn, command: the child's affinity
  CommandRequest command;    // command: which task; its stdout and stderr come as two passed descriptors
};

namespace {

using Op = ForkServer::Op;
using Request = ForkServer::Request;

struct Reply {
  std::int32_t pid = -1;     // spawn, command: the child, -1 when it could not start
  std::int32_t status = 0;   // reap: the wait status; spawn, command: errno when it failed
  char problem[200] = {};    // command: what could not be done, when it failed
};

// Sends `size` bytes with up to two descriptors passed beside them (SCM_RIGHTS).
bool send_with_fds(int channel, const void* data, std::size_t size, std::span<const int> fds) {
  msghdr message{};
  iovec part{const_cast<void*>(data), size};
  message.msg_iov = &part;
  message.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(2 * sizeof(int))] = {};
  if (!fds.empty()) {
    message.msg_control = control;
    message.msg_controllen = CMSG_SPACE(fds.size_bytes());
    cmsghdr* header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(fds.size_bytes());
    std::memcpy(CMSG_DATA(header), fds.data(), fds.size_bytes());
  }
  return ::sendmsg(channel, &message, MSG_NOSIGNAL) == static_cast<ssize_t>(size);
}

// Receives exactly `size` bytes and up to fds.size() (at most two)
// descriptors passed with them, -1 where none came; false when the bytes
// did not come (the other end closed or broke).
bool receive_with_fds(int channel, void* data, std::size_t size, std::span<int> fds) {
  msghdr message{};
  iovec part{data, size};
  message.msg_iov = &part;
  message.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(2 * sizeof(int))] = {};
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  std::fill(fds.begin(), fds.end(), -1);
  ssize_t got = 0;
  while ((got = ::recvmsg(channel, &message, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {
  }
  if (got != static_cast<ssize_t>(size)) return false;
  if (const cmsghdr* header = CMSG_FIRSTHDR(&message); header != nullptr && header->cmsg_type == SCM_RIGHTS) {
    const std::size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    std::memcpy(fds.data(), CMSG_DATA(header), std::min(count, fds.size()) * sizeof(int));
  }
  return true;
}

[[noreturn]] void fail(const std::string& what) {
  throw Error("isolation = \"process\": " + what + ": " + std::strerror(errno));
}

// Dies with its parent, and leaves SIGTERM/SIGINT/SIGUSR1 to the rank: a
// walltime signal must drain the run, not kill the attempts in flight.
void detach_from_signals(pid_t parent) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(0);  // the parent died before prctl
  std::signal(SIGHUP, SIG_DFL);  // the server's handler is the server's alone
  for (int signal : {SIGTERM, SIGINT, SIGUSR1, SIGPIPE}) std::signal(signal, SIG_IGN);
}

// The server's children, for its death signal. When the rank dies at once
// (SIGKILL, the OOM killer) the server must still take every command's
// process group with it: a command's own children do not die with their
// parent. Slots a signal handler may read (lock-free atomics); a child
// beyond the last slot is still killed when the channel closes.
std::array<std::atomic<pid_t>, 1024> child_slots{};

void track_child(pid_t pid) {
  for (auto& slot : child_slots) {
    pid_t empty = 0;
    if (slot.compare_exchange_strong(empty, pid)) return;
  }
}

void untrack_child(pid_t pid) {
  for (auto& slot : child_slots) {
    pid_t was = pid;
    if (slot.compare_exchange_strong(was, 0)) return;
  }
}

extern "C" void on_rank_gone(int) {
  for (auto& slot : child_slots) {
    const pid_t pid = slot.load();
    if (pid <= 0) continue;
    ::kill(-pid, SIGKILL);  // a command's group (a kernel worker has none: ESRCH)
    ::kill(pid, SIGKILL);
  }
  ::_exit(0);
}

// The server dies with its rank, but killing its children first. In a
// process group of its own, so a SIGKILL to the job's group (kill -9 -PGID)
// ends the rank but lets the server see it and clean up.
void serve_until_rank_gone(pid_t rank) {
  ::setpgid(0, 0);
  static_assert(std::atomic<pid_t>::is_always_lock_free);
  struct sigaction action {};
  action.sa_handler = on_rank_gone;
  sigemptyset(&action.sa_mask);
  sigaction(SIGHUP, &action, nullptr);
  ::prctl(PR_SET_PDEATHSIG, SIGHUP);
  if (::getppid() != rank) on_rank_gone(SIGHUP);  // the rank died before prctl
  for (int signal : {SIGTERM, SIGINT, SIGUSR1, SIGPIPE}) std::signal(signal, SIG_IGN);
}

bool send_reply(int channel, const Reply& reply, int passed_fd) {
  return send_with_fds(channel, &reply, sizeof reply,
                       passed_fd >= 0 ? std::span<const int>(&passed_fd, 1) : std::span<const int>());
}

// "killed by signal 9 (Killed)" for the server's wait status.
std::string describe_end(int status) {
  if (WIFSIGNALED(status)) {
    const char* name = ::strsignal(WTERMSIG(status));
    return fmt::format("killed by signal {} ({})", WTERMSIG(status), name ? name : "unknown");
  }
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  return "ended";
}

// How the server ended, once its channel has broken. A dying process closes
// its files before it becomes a zombie, so give it a moment to finish dying;
// one that lingers is no use to the rank and is killed.
std::string reap_server(pid_t server) {
  int status = 0;
  for (int tries = 0; tries < 100; ++tries) {
    const pid_t got = ::waitpid(server, &status, WNOHANG);
    if (got == server) return describe_end(status);
    if (got < 0 && errno != EINTR) return "ended";
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(server, SIGKILL);
  while (::waitpid(server, &status, 0) < 0 && errno == EINTR) {
  }
  return "its channel broke, so it was killed";
}

// The server's loop: single-threaded, so fork is safe here. Ends when the
// rank closes the channel (or dies), killing the workers still alive.
[[noreturn]] void serve_forks(int channel, const JobSpec& job) {
  const TaskSpace space(job);
  std::set<pid_t> workers;
  std::set<pid_t> servers;  // per-thread command servers (Op::server)
  Request request;
  int fds[2];
  while (receive_with_fds(channel, &request, sizeof request, fds)) {
    Reply reply;
    if (request.op == Op::command) {
      const CommandStart started = start_command(job, space, request.command, request.cpus, fds[0], fds[1]);
      for (int fd : fds) {
        if (fd >= 0) ::close(fd);
      }
      reply.pid = started.pid;
      reply.status = started.error;
      std::snprintf(reply.problem, sizeof reply.problem, "%s", started.problem.c_str());
      if (started.pid > 0) {
        workers.insert(started.pid);
        track_child(started.pid);
      }
      if (!send_reply(channel, reply, -1)) break;
      continue;
    }
    if (request.op == Op::reap) {
      int status = 0;
      while (::waitpid(request.pid, &status, 0) < 0 && errno == EINTR) {
      }
      workers.erase(request.pid);
      untrack_child(request.pid);
      reply.status = status;
      if (!send_reply(channel, reply, -1)) break;
      continue;
    }
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
      reply.status = errno;
      if (!send_reply(channel, reply, -1)) break;
      continue;
    }
    const pid_t server = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::close(channel);
      ::close(pair[0]);
      if (request.op == Op::server) {
        // A server of its own for one rank thread's commands: it forgets its
        // parent's children and dies with its parent as the parent does with
        // the rank (killing its own first).
        for (auto& slot : child_slots) slot.store(0);
        serve_until_rank_gone(server);
        serve_forks(pair[1], job);
      }
      detach_from_signals(server);
      ::sched_setaffinity(0, sizeof request.cpus, &request.cpus);
      serve_tasks(pair[1], job, space, request.threads);
    }
    ::close(pair[1]);
    reply.pid = pid;
    reply.status = pid < 0 ? errno : 0;
    if (pid > 0 && request.op == Op::server) {
      servers.insert(pid);  // not SIGKILLed with the workers: it must end its commands' groups first
    } else if (pid > 0) {
      workers.insert(pid);
      track_child(pid);
    }
    const bool sent = send_reply(channel, reply, pid > 0 ? pair[0] : -1);
    ::close(pair[0]);
    if (!sent) break;
  }
  // Commands run in process groups of their own: the whole group goes.
  for (pid_t pid : workers) ::kill(-pid, SIGKILL);
  for (pid_t pid : workers) ::kill(pid, SIGKILL);
  for (pid_t pid : servers) ::kill(pid, SIGHUP);  // as if this server died: each ends its commands, then itself
  for (pid_t pid : workers) ::waitpid(pid, nullptr, 0);
  for (pid_t pid : servers) ::waitpid(pid, nullptr, 0);
  ::_exit(0);
}

}  // namespace

ForkServer::ForkServer(const JobSpec& job) {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) fail("cannot create a socket");
  const pid_t rank = ::getpid();
  server_ = ::fork();
  if (server_ < 0) fail("cannot fork the worker process server");
  if (server_ == 0) {
    ::close(pair[0]);
    serve_until_rank_gone(rank);
    serve_forks(pair[1], job);
  }
  ::close(pair[1]);
  channel_ = pair[0];
}

ForkServer::ForkServer(pid_t server, int channel) : server_(server), channel_(channel), reaped_by_us_(false) {}

std::unique_ptr<ForkServer> ForkServer::command_server() {
  Request request;
  request.op = Op::server;
  const Worker server = fork_with_socket(request, "a command server");
  return std::unique_ptr<ForkServer>(new ForkServer(server.pid, server.socket));
}

ForkServer::~ForkServer() {
  ::close(channel_);
  // A command server is its parent server's child: that one reaps it.
  while (reaped_by_us_ && server_ > 0 && ::waitpid(server_, nullptr, 0) < 0 && errno == EINTR) {
  }
}

// Called with mutex_ held, when a request or its reply could not pass. The
// first caller reaps the server and words the message; later callers, on
// any thread, rethrow it.
void ForkServer::lose(const std::string& noticed) {
  if (lost_.empty()) {
    const pid_t server = server_;
    const std::string how = reaped_by_us_ ? reap_server(server) : "its channel broke";
    server_ = -1;
    lost_ = fmt::format("isolation = \"process\": the worker process server (pid {}) is gone: {}, found {}", server,
                        how, noticed);
  }
  throw ForkServerLost(lost_);
}

std::string ForkServer::lost() const {
  const std::lock_guard lock(mutex_);
  return lost_;
}

ForkServer::Worker ForkServer::spawn(int threads) {
  Request request;
  request.op = Op::spawn;
  request.threads = threads;
  CPU_ZERO(&request.cpus);
  if (::sched_getaffinity(0, sizeof request.cpus, &request.cpus) != 0) fail("cannot read the thread's CPU mask");
  return fork_with_socket(request, "a worker process");
}

// Asks the server for a child it forks with a socket pair, and takes the
// rank's end of the socket.
ForkServer::Worker ForkServer::fork_with_socket(const Request& request, const char* what) {
  const std::lock_guard lock(mutex_);
  if (!lost_.empty()) throw ForkServerLost(lost_);
  if (::send(channel_, &request, sizeof request, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof request)) {
    lose(fmt::format("when asking it for {} ({})", what, std::strerror(errno)));
  }
  Reply reply;
  int socket[1];
  if (!receive_with_fds(channel_, &reply, sizeof reply, socket)) lose(fmt::format("while waiting for {} it was asked for", what));
  if (reply.pid < 0) {
    errno = reply.status;
    fail(std::string("cannot fork ") + what);
  }
  if (socket[0] < 0) fail("the worker process server sent no socket");
  return Worker{reply.pid, socket[0]};
}

pid_t ForkServer::start_command(const CommandRequest& task, int stdout_fd, int stderr_fd) {
  Request request;
  request.op = Op::command;
  request.command = task;
  CPU_ZERO(&request.cpus);
  if (::sched_getaffinity(0, sizeof request.cpus, &request.cpus) != 0) fail("cannot read the thread's CPU mask");
  const int fds[2] = {stdout_fd, stderr_fd};
  const std::lock_guard lock(mutex_);
  if (!lost_.empty()) throw ForkServerLost(lost_);
  if (!send_with_fds(channel_, &request, sizeof request, fds)) {
    lose(fmt::format("when asking it to start task {} ({})", task.task, std::strerror(errno)));
  }
  Reply reply;
  ssize_t got = 0;
  while ((got = ::recv(channel_, &reply, sizeof reply, 0)) < 0 && errno == EINTR) {
  }
  if (got != static_cast<ssize_t>(sizeof reply)) lose(fmt::format("while it started task {}", task.task));
  if (reply.pid < 0) throw Error(reply.problem);
  return reply.pid;
}

int ForkServer::reap(pid_t pid) {
  Request request;
  request.op = Op::reap;
  request.pid = pid;
  const std::lock_guard lock(mutex_);
  if (!lost_.empty()) throw ForkServerLost(lost_);
  if (::send(channel_, &request, sizeof request, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof request)) {
    lose(fmt::format("when asking it to reap worker process {} ({})", pid, std::strerror(errno)));
  }
  Reply reply;
  ssize_t got = 0;
  while ((got = ::recv(channel_, &reply, sizeof reply, 0)) < 0 && errno == EINTR) {
  }
  if (got != static_cast<ssize_t>(sizeof reply)) {
    lose(fmt::format("while waiting for it to reap worker process {}", pid));
  }
  return reply.status;
}

}  // namespace partita::launch

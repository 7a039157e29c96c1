// isolation = "process": each rank gets a fork server, a small process
// forked from the launcher before MPI starts, which forks the rank's worker
// processes on request. Forking the rank itself after MPI_Init is unsafe
// (RDMA networks register memory a child would share; OpenMP's thread pool
// does not survive fork); the server holds neither, so its children start
// clean. The server and its workers die with the rank (PR_SET_PDEATHSIG)
// and ignore the walltime signals, which are the rank's to handle. Command
// jobs: the server forks one command server per rank thread (a copy of
// itself, so still never the rank), which starts and reaps that thread's
// commands; when a server dies, it ends its commands' process groups first.
#pragma once

#include <sys/types.h>

#include <memory>
#include <cstdint>
#include <mutex>
#include <string>

#include "partita/error.hpp"
#include "command/command_start.hpp"
#include "spec/job_spec.hpp"

namespace partita::launch {

/// The rank's fork server died (or its channel broke): no worker can start
/// or be reaped on this rank again, and the worker in flight died with it.
/// No task is to blame: the rank should stop, keeping what is journaled, so
/// that a resume runs the rest, rather than fail every remaining task.
class ForkServerLost : public Error {
 public:
  using Error::Error;
};

class ForkServer {
 public:
  /// A worker process and the rank's end of its socket.
  struct Worker {
    pid_t pid = -1;
    int socket = -1;
  };

  /// Forks the server. Call before MPI starts and before any thread does.
  /// Its workers evaluate `job`'s tasks (points in spec order). Throws
  /// partita::Error if it cannot fork.
  explicit ForkServer(const JobSpec& job);
  /// Closes the channel: the server kills its remaining workers, reaps them
  /// and exits; this waits for it.
  ~ForkServer();
  ForkServer(const ForkServer&) = delete;
  ForkServer& operator=(const ForkServer&) = delete;

  /// A new worker bound to the calling thread's CPUs, running each task's
  /// kernel with `threads` OpenMP threads. Thread-safe. Throws partita::Error
  /// when the server cannot fork (process or memory limits), ForkServerLost
  /// when the server is gone.
  Worker spawn(int threads);
  /// Starts the command of a command job's task, bound to the calling
  /// thread's CPUs, in a process group of its own, with its stdout and
  /// stderr on the descriptors given (the server closes its copies).
  /// Returns its pid (also its group); throws partita::Error saying what
  /// could not be done (a task directory, exec), ForkServerLost when the
  /// server is gone. Thread-safe. Reap it with reap().
  pid_t start_command(const CommandRequest& task, int stdout_fd, int stderr_fd);
  /// Waits until the server's child `pid` has ended and returns its wait
  /// status (as waitpid gives it). Thread-safe. Throws ForkServerLost when
  /// the server is gone.
  int reap(pid_t pid);
  /// A server of its own for the calling thread's commands, forked by this
  /// one (so never by the rank), that starts and reaps them without waiting
  /// for the other threads' (a server is busy while a child it starts
  /// execs). It dies with this server, ending its commands' process groups
  /// first. Thread-safe; the server returned is for one thread.
  std::unique_ptr<ForkServer> command_server();
  /// The server's messages (fork_server.cpp).
  enum class Op : std::uint32_t;
  struct Request;

  /// "" while the server works; once it is lost, the message every
  /// ForkServerLost it threw carries. Thread-safe.
  std::string lost() const;

 private:
  ForkServer(pid_t server, int channel);
  Worker fork_with_socket(const Request& request, const char* what);
  [[noreturn]] void lose(const std::string& noticed);

  pid_t server_ = -1;  ///< -1 once reaped
  int channel_ = -1;
  bool reaped_by_us_ = true;  ///< false for a command server: its parent server reaps it
  std::string lost_;          ///< see lost()
  mutable std::mutex mutex_;  ///< one request and its reply at a time; guards lost_
};

}  // namespace partita::launch

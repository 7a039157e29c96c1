// The two ends of an isolated worker: the rank's thread sends a task (id and
// point) over a socket, the worker process evaluates it and sends back the
// outputs or the kernel's message. A worker that dies (segfault, abort, the
// out-of-memory killer) or runs past the timeout fails that attempt as a
// crash, and the next attempt gets a fresh worker. A worker that died idle,
// between tasks, is replaced before the next task and blames none.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "isolation/fork_server.hpp"
#include "spec/task_space.hpp"

namespace partita::launch {

/// What an attempt in a worker process came to: problem is "" on success.
struct IsolatedAttempt {
  std::string problem;
  bool crashed = false;  ///< the worker died or was killed (timeout): it counts toward quarantine
  /// Killed by Partita itself at the end of a drain's grace period: not the
  /// task's doing, so nothing is journaled and it reruns on resume.
  bool abandoned = false;
};

/// One rank thread's worker process, started on first use and replaced when
/// it dies. Owned by one thread; never shared.
class WorkerProcess {
 public:
  WorkerProcess(ForkServer& server, int threads, double timeout_seconds);
  /// Closes the socket: the worker sees end-of-file and exits.
  ~WorkerProcess();
  WorkerProcess(WorkerProcess&& other) noexcept;
  WorkerProcess& operator=(WorkerProcess&&) = delete;
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  /// Runs task `task` (its parameters: spec-order point `point`) and writes
  /// its outputs into `out`. Every problem of the worker's is the attempt's
  /// outcome, except the loss of the rank's fork server, which is no outcome
  /// of the task's: that throws ForkServerLost.
  IsolatedAttempt run(std::uint64_t task, std::uint64_t point, std::span<double> out);

 private:
  bool sent_to_live_worker(std::uint64_t task, std::uint64_t point, IsolatedAttempt& unsent);
  bool idle_worker_died() const;
  int discard_worker();
  IsolatedAttempt await_reply(std::span<double> out);
  IsolatedAttempt crashed(const std::string& why);

  ForkServer* server_;
  int threads_;
  double timeout_seconds_;
  ForkServer::Worker worker_;
  std::vector<char> reply_;  ///< the last reply's bytes, kept to reuse the allocation
};

/// The worker's side: evaluates tasks sent over `socket` until it closes,
/// then ends the process. Runs in a fresh child of the fork server.
[[noreturn]] void serve_tasks(int socket, const JobSpec& job, const TaskSpace& space, int threads);

/// "killed by signal 11 (Segmentation fault)" for a wait status.
std::string describe_exit(int wait_status);

}  // namespace partita::launch

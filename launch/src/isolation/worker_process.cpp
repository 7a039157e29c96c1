#include "isolation/worker_process.hpp"

#include <fmt/format.h>
#include <omp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <vector>

#include "partita/error.hpp"
#include "run/task_attempt.hpp"

namespace partita::launch {

namespace {

// One task, rank to worker.
struct TaskRequest {
  std::uint64_t task = 0;
  std::uint64_t point = 0;
};

// The reply's head, worker to rank; then `values` doubles, then the message.
struct ReplyHead {
  std::uint32_t failed = 0;
  std::uint32_t values = 0;
  std::uint32_t message_bytes = 0;
};

// Long kernel messages are cut: the reply is one socket packet.
constexpr std::size_t max_message = 4096;

}  // namespace

std::string describe_exit(int status) {
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    const char* name = ::strsignal(signal);
    std::string text = fmt::format("worker process killed by signal {} ({})", signal, name ? name : "unknown");
    if (signal == SIGKILL) text += ": out of memory, or killed by someone";
    return text;
  }
  if (WIFEXITED(status)) {
    return fmt::format("worker process exited with status {} before returning a result (the kernel ended the process)",
                       WEXITSTATUS(status));
  }
  return "worker process ended before returning a result";
}

[[noreturn]] void serve_tasks(int socket, const JobSpec& job, const TaskSpace& space, int threads) {
  omp_set_num_threads(std::max(1, threads));
  const std::size_t outputs = job.kernel->outputs.size();
  std::vector<double> out(outputs);
  std::vector<char> reply(sizeof(ReplyHead) + outputs * sizeof(double) + max_message);
  TaskRequest request;
  while (::recv(socket, &request, sizeof request, 0) == static_cast<ssize_t>(sizeof request)) {
    std::string problem;
    if (request.point >= space.points()) {
      problem = fmt::format("worker process: no point {} in the job", request.point);
    } else {
      problem = attempt_task(job, space.params(request.point), request.task, out);
    }
    problem.resize(std::min(problem.size(), max_message));
    const ReplyHead head{problem.empty() ? 0u : 1u, static_cast<std::uint32_t>(outputs),
                         static_cast<std::uint32_t>(problem.size())};
    char* p = reply.data();
    std::memcpy(p, &head, sizeof head);
    std::memcpy(p + sizeof head, out.data(), outputs * sizeof(double));
    std::memcpy(p + sizeof head + outputs * sizeof(double), problem.data(), problem.size());
    const std::size_t bytes = sizeof head + outputs * sizeof(double) + problem.size();
    if (::send(socket, reply.data(), bytes, MSG_NOSIGNAL) != static_cast<ssize_t>(bytes)) break;
  }
  ::_exit(0);
}

WorkerProcess::WorkerProcess(ForkServer& server, int threads, double timeout_seconds)
    : server_(&server), threads_(threads), timeout_seconds_(timeout_seconds) {}

WorkerProcess::WorkerProcess(WorkerProcess&& other) noexcept
    : server_(other.server_), threads_(other.threads_), timeout_seconds_(other.timeout_seconds_),
      worker_(other.worker_), reply_(std::move(other.reply_)) {
  other.worker_ = {};
}

WorkerProcess::~WorkerProcess() {
  if (worker_.socket >= 0) ::close(worker_.socket);
}

// Closes the worker's socket and collects its exit status, so that no
// zombie waits for the server's end. Throws ForkServerLost.
int WorkerProcess::discard_worker() {
  const pid_t pid = worker_.pid;
  ::close(worker_.socket);
  worker_ = {};
  return server_->reap(pid);
}

// The worker is dead or killed: report the attempt as a crash, with `why`
// or else how the process ended.
IsolatedAttempt WorkerProcess::crashed(const std::string& why) {
  const int status = discard_worker();
  return {why.empty() ? describe_exit(status) : why, true};
}

// An idle worker never writes, so any event on its socket (end of file,
// hang-up, error) means it died since its last reply: the out-of-memory
// killer picks large idle processes too.
bool WorkerProcess::idle_worker_died() const {
  pollfd socket{worker_.socket, POLLIN | POLLRDHUP, 0};
  int events = 0;
  while ((events = ::poll(&socket, 1, 0)) < 0 && errno == EINTR) {
  }
  return events != 0;
}

// Hands the task to a worker that is alive, replacing one that died idle
// without blaming this task: the task reaches no process that then dies of
// it. A send that fails passed no byte (a packet is all or nothing), so the
// worker died before the task too. False, with `unsent` the attempt's
// outcome, when no worker can be had (fork refused, or even a fresh worker
// dead before its first task): not the task's doing, so no crash either.
bool WorkerProcess::sent_to_live_worker(std::uint64_t task, std::uint64_t point, IsolatedAttempt& unsent) {
  const TaskRequest request{task, point};
  for (int fresh = 0; fresh < 2; ++fresh) {
    if (worker_.socket >= 0 && idle_worker_died()) discard_worker();
    if (worker_.socket < 0) {
      try {
        worker_ = server_->spawn(threads_);
      } catch (const ForkServerLost&) {
        throw;
      } catch (const Error& e) {
        unsent = {e.what(), false};
        return false;
      }
    }
    if (::send(worker_.socket, &request, sizeof request, MSG_NOSIGNAL) == static_cast<ssize_t>(sizeof request)) {
      return true;
    }
    unsent = {"worker process ended before its task was sent: " + describe_exit(discard_worker()), false};
  }
  return false;
}

// Waits for the reply (or the worker's end), at most the timeout. The task
// was sent, so a worker that dies now died of it: a crash.
IsolatedAttempt WorkerProcess::await_reply(std::span<double> out) {
  using Clock = std::chrono::steady_clock;
  const auto limit = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(timeout_seconds_));
  for (;;) {
    int wait_ms = -1;
    if (timeout_seconds_ > 0.0) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(limit - Clock::now()).count();
      wait_ms = static_cast<int>(std::clamp<long long>(left, 0, 1 << 30));
    }
    pollfd ready{worker_.socket, POLLIN, 0};
    const int events = ::poll(&ready, 1, wait_ms);
    if (events > 0) break;
    if (events < 0 && errno == EINTR) continue;
    if (events == 0) {
      ::kill(worker_.pid, SIGKILL);
      return crashed(
          fmt::format("timed out: still running after timeout = {} s; worker process killed", timeout_seconds_));
    }
    return crashed("");
  }
  reply_.resize(sizeof(ReplyHead) + out.size() * sizeof(double) + max_message);  // allocates once
  ssize_t got = 0;
  while ((got = ::recv(worker_.socket, reply_.data(), reply_.size(), 0)) < 0 && errno == EINTR) {
  }
  ReplyHead head;
  if (got < static_cast<ssize_t>(sizeof head)) return crashed("");  // end of file: the worker died
  std::memcpy(&head, reply_.data(), sizeof head);
  if (head.values != out.size() || sizeof head + head.values * sizeof(double) + head.message_bytes !=
                                       static_cast<std::size_t>(got)) {
    ::kill(worker_.pid, SIGKILL);
    return crashed("worker process sent a malformed reply");
  }
  std::memcpy(out.data(), reply_.data() + sizeof head, out.size() * sizeof(double));
  if (head.failed == 0) return {};
  return {std::string(reply_.data() + sizeof head + out.size() * sizeof(double), head.message_bytes), false};
}

IsolatedAttempt WorkerProcess::run(std::uint64_t task, std::uint64_t point, std::span<double> out) {
  IsolatedAttempt unsent;
  if (!sent_to_live_worker(task, point, unsent)) return unsent;
  return await_reply(out);
}

}  // namespace partita::launch

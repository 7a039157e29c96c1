#include "run/signal_stop.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>

namespace partita::launch {

namespace {

// What a handler may touch: lock-free atomics and _exit.
std::atomic<int> first_signal{0};
std::atomic<StopFlag*> stop_flag{nullptr};
std::atomic<int> hard_exit_code{75};

constexpr int watched[] = {SIGTERM, SIGINT, SIGUSR1};

extern "C" void on_signal(int signal) {
  int expected = 0;
  if (!first_signal.compare_exchange_strong(expected, signal)) {
    // A second signal: stop at once. Flushed journal records are intact;
    // the torn tail of one being written is dropped on resume.
    const char message[] = "partita: second signal: stopping now\n";
    [[maybe_unused]] const auto written = ::write(STDERR_FILENO, message, sizeof message - 1);
    ::_exit(hard_exit_code.load());
  }
  if (auto* stop = stop_flag.load()) stop->raise(StopReason::signal);
}

}  // namespace

void SignalStop::arm() {
  static_assert(std::atomic<int>::is_always_lock_free && std::atomic<StopFlag*>::is_always_lock_free);
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (int signal : watched) sigaction(signal, &action, nullptr);
}

SignalStop::SignalStop(StopFlag& stop, double grace_seconds, int exit_code,
                       std::function<void(bool grace_over)> on_stop)
    : grace_seconds_(grace_seconds), exit_code_(exit_code), on_stop_(std::move(on_stop)) {
  hard_exit_code.store(exit_code);
  stop_flag.store(&stop);
  if (first_signal.load() != 0) stop.raise(StopReason::signal);  // it came during start-up
  watchdog_ = std::thread([this] { watch(); });
}

SignalStop::~SignalStop() {
  {
    std::lock_guard lock(mutex_);
    done_ = true;
  }
  finished_.notify_all();
  watchdog_.join();
  stop_flag.store(nullptr);
}

int SignalStop::received() noexcept { return first_signal.load(); }

const char* SignalStop::name(int signal) noexcept {
  switch (signal) {
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGUSR1: return "SIGUSR1";
    default: return "a signal";
  }
}

// Waits for a signal, flushes, then waits for the grace period; if the loop has not
// finished by then, the tasks still running are abandoned (they rerun on
// resume) and the process ends.
void SignalStop::watch() {
  std::unique_lock lock(mutex_);
  while (!done_ && first_signal.load() == 0) finished_.wait_for(lock, std::chrono::milliseconds(50));
  if (done_) return;
  // What finished before the signal goes to disk now: under mpirun, Ctrl-C
  // is followed by SIGKILL about 2 s later, whatever the grace period.
  lock.unlock();
  if (on_stop_) on_stop_(false);
  lock.lock();
  const auto grace = std::chrono::duration<double>(grace_seconds_);
  if (finished_.wait_for(lock, grace, [this] { return done_; })) return;
  std::fprintf(stderr, "partita: grace period of %.0f s over: abandoning the tasks still running\n", grace_seconds_);
  lock.unlock();  // the loop may finish meanwhile; the process ends here regardless
  if (on_stop_) on_stop_(true);
  std::fflush(nullptr);
  ::_exit(exit_code_);
}

}  // namespace partita::launch

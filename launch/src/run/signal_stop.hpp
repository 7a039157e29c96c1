// Walltime and Ctrl-C: SIGTERM, SIGINT and SIGUSR1 (Slurm's
// --signal=B:USR1@120) ask the run to stop starting tasks; running ones
// may finish within a grace period; a second signal, or the end of the
// grace period, ends the process at once. Journaled results survive both.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "run/stop_flag.hpp"

namespace partita::launch {

class SignalStop {
 public:
  /// Installs the handlers for the rest of the process, first thing, so a
  /// signal that arrives during start-up is remembered, not fatal.
  static void arm();
  /// Points the handlers at `stop` (raised with StopReason::signal at once
  /// if a signal already came) and starts the grace-period watchdog.
  /// `on_stop` runs (on the watchdog thread) at the first signal, with
  /// false: flush what can be flushed; and again, with true, when the grace
  /// period ends before the loop does, just before the process exits with
  /// `exit_code`: end what still runs, flush again.
  SignalStop(StopFlag& stop, double grace_seconds, int exit_code, std::function<void(bool grace_over)> on_stop);
  /// Stops the watchdog; later signals are remembered but raise nothing.
  ~SignalStop();
  SignalStop(const SignalStop&) = delete;
  SignalStop& operator=(const SignalStop&) = delete;

  /// The first signal received (0: none).
  static int received() noexcept;
  /// "SIGTERM" for messages.
  static const char* name(int signal) noexcept;

 private:
  void watch();

  double grace_seconds_;
  int exit_code_;
  std::function<void(bool)> on_stop_;
  std::mutex mutex_;
  std::condition_variable finished_;
  bool done_ = false;
  std::thread watchdog_;
};

}  // namespace partita::launch

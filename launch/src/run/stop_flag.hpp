// Why a run stops starting tasks. Every place that stops a run (a signal
// handler, the deadline, max_failures, a journal that cannot be written, a
// lost fork server) raises the flag with its reason, so the verdict comes
// from what happened, not from guessing which flag was set.
#pragma once

#include <atomic>

namespace partita::launch {

enum class StopReason : unsigned {
  signal = 1u << 0,        ///< SIGTERM, SIGINT or SIGUSR1
  deadline = 1u << 1,      ///< --deadline or the allocation's end
  max_failures = 1u << 2,  ///< this rank's failures passed max_failures
  journal = 1u << 3,       ///< the journal cannot be written
  isolation = 1u << 4,     ///< the fork server of isolation = "process" is gone
};

class StopFlag {
 public:
  /// Async-signal-safe (lock-free atomics only): the signal handler calls it.
  void raise(StopReason reason) noexcept {
    reasons_.fetch_or(static_cast<unsigned>(reason));
    flag_.store(true);
  }
  bool raised() const noexcept { return flag_.load(); }
  /// Every reason raised so far, as a mask of StopReason bits.
  unsigned reasons() const noexcept { return reasons_.load(); }
  bool raised_for(StopReason reason) const noexcept { return (reasons() & static_cast<unsigned>(reason)) != 0; }
  /// What the engine's loop polls (ForEachOptions::stop).
  const std::atomic<bool>* flag() const noexcept { return &flag_; }

 private:
  static_assert(std::atomic<unsigned>::is_always_lock_free && std::atomic<bool>::is_always_lock_free);
  std::atomic<bool> flag_{false};
  std::atomic<unsigned> reasons_{0};
};

}  // namespace partita::launch

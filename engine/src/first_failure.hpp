// The first failure by task id among a rank's worker threads, so the error a
// user sees does not depend on which thread happened to fail first.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <limits>
#include <mutex>

namespace partita::detail {

class FirstFailure {
 public:
  void record(std::uint64_t id, std::exception_ptr error) {
    std::lock_guard lock(mutex_);
    if (!error_ || id < id_) {
      id_ = id;
      error_ = std::move(error);
    }
    failed_.store(true, std::memory_order_relaxed);
  }
  bool happened() const noexcept { return failed_.load(std::memory_order_relaxed); }
  void rethrow_if_any() const {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::mutex mutex_;
  std::atomic<bool> failed_{false};
  std::uint64_t id_ = std::numeric_limits<std::uint64_t>::max();
  std::exception_ptr error_;
};

}  // namespace partita::detail

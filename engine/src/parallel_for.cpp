#include <omp.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <limits>
#include <mutex>

#include "partita/detail/parallel_for.hpp"

namespace partita::detail {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The first failure by task id, so the error a user sees does not depend on
// which thread happened to fail first.
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

}  // namespace

WorkStats run_owned(const Context& ctx, std::uint64_t n, Schedule schedule,
                    FunctionRef<void(std::uint64_t)> body) {
  const IdRange mine = split(all_ids(n), ctx.size(), ctx.rank(), schedule);
  const int threads = ctx.threads();
  WorkStats stats;
  stats.threads.resize(threads);
  FirstFailure failure;
  const auto start = std::chrono::steady_clock::now();

#pragma omp parallel num_threads(threads)
  {
    const int thread = omp_get_thread_num();
    const auto thread_start = std::chrono::steady_clock::now();
    const IdRange ids = split(mine, omp_get_num_threads(), thread, schedule);
    std::uint64_t done = 0;
    for (std::uint64_t k = 0; k < ids.count && !failure.happened(); ++k) {
      try {
        body(ids[k]);
        ++done;
      } catch (...) {
        failure.record(ids[k], std::current_exception());
      }
    }
    // Each thread writes only its own slot: no sharing, no race.
    stats.threads[thread] = {done, seconds_since(thread_start)};
  }

  stats.wall_seconds = seconds_since(start);
  failure.rethrow_if_any();
  return stats;
}

}  // namespace partita::detail

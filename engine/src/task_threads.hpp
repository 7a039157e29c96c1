// Gives each worker's tasks their own OpenMP thread count: a worker thread
// sets its nested-region thread count, and the process allows one level of
// nesting for the duration of a loop, then restores what it found.
#pragma once

#include <omp.h>

namespace partita::detail {

class NestedThreads {
 public:
  explicit NestedThreads(int threads_per_task) : saved_levels_(omp_get_max_active_levels()) {
    if (threads_per_task > 1 && saved_levels_ < 2) omp_set_max_active_levels(2);
  }
  ~NestedThreads() { omp_set_max_active_levels(saved_levels_); }
  NestedThreads(const NestedThreads&) = delete;
  NestedThreads& operator=(const NestedThreads&) = delete;

  /// In a worker thread, before its tasks: their parallel regions (and
  /// Eigen's, which asks omp_get_max_threads()) use this many threads.
  static void enter_worker(int threads_per_task) { omp_set_num_threads(threads_per_task); }

 private:
  int saved_levels_;
};

}  // namespace partita::detail

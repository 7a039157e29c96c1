// Rank 0's hand-out of task positions for the dynamic schedules: the next
// free position, the chunk policy, and the task cost measured so far.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "chunk_policy.hpp"
#include "chunk_queue.hpp"

namespace partita::detail {

/// Tasks run and nanoseconds spent on them by one rank's workers, updated
/// per chunk so that the policy can size chunks by measured cost.
struct CostMeter {
  std::atomic<std::uint64_t> tasks{0};
  std::atomic<std::uint64_t> busy_ns{0};
};

class Dispenser {
 public:
  Dispenser(const ChunkPolicy& policy, bool auto_schedule, std::uint64_t n, std::uint64_t first_free, int ranks)
      : policy_(policy), auto_schedule_(auto_schedule), n_(n), next_(first_free), tasks_(ranks, 0), busy_(ranks, 0.0) {}

  /// Up to `chunks` chunks as one contiguous grant; count 0 when exhausted.
  Grant grant(std::uint64_t chunks);
  /// A rank's cumulative tasks and busy seconds (latest report wins).
  void record(int rank, std::uint64_t tasks, double busy_seconds);
  /// Tasks finished over all ranks, as of each rank's latest report.
  std::uint64_t tasks_reported() const noexcept;
  /// False once auto has measured the whole loop as too small to gain from
  /// other ranks (under small_loop_seconds of work in all): rank 0 then keeps
  /// the rest. Always true for the other schedules.
  bool worth_spreading();
  /// Hand out nothing more (a task failed somewhere).
  void exhaust() noexcept { next_ = n_; }

 private:
  double mean_task_seconds() const;

  /// A few milliseconds: less than the start-up and messages of spreading.
  static constexpr double small_loop_seconds = 5e-3;

  ChunkPolicy policy_;
  bool auto_schedule_;
  int spread_verdict_ = -1;  ///< -1 undecided, 0 keep on rank 0, 1 spread
  std::uint64_t n_;
  std::uint64_t next_;
  std::vector<std::uint64_t> tasks_;
  std::vector<double> busy_;
};

}  // namespace partita::detail

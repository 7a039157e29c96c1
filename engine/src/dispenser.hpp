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
  Dispenser(const ChunkPolicy& policy, std::uint64_t n, std::uint64_t first_free, int ranks)
      : policy_(policy), n_(n), next_(first_free), tasks_(ranks, 0), busy_(ranks, 0.0) {}

  /// Up to `chunks` chunks as one contiguous grant; count 0 when exhausted.
  Grant grant(std::uint64_t chunks);
  /// A rank's cumulative tasks and busy seconds (latest report wins).
  void record(int rank, std::uint64_t tasks, double busy_seconds);
  /// Tasks finished over all ranks, as of each rank's latest report.
  std::uint64_t tasks_reported() const noexcept;
  /// Hand out nothing more (a task failed somewhere).
  void exhaust() noexcept { next_ = n_; }

 private:
  double mean_task_seconds() const;

  ChunkPolicy policy_;
  std::uint64_t n_;
  std::uint64_t next_;
  std::vector<std::uint64_t> tasks_;
  std::vector<double> busy_;
};

}  // namespace partita::detail

// What a parallel loop measured on one rank: tasks, chunks, busy and idle
// time per worker thread, for reports and load-balance diagnostics.
#pragma once

#include <cstdint>
#include <vector>

namespace partita {

struct ThreadStats {
  std::uint64_t tasks = 0;
  std::uint64_t chunks = 0;    ///< chunks taken (static schedules: 1)
  double busy_seconds = 0.0;   ///< inside task bodies
  double idle_seconds = 0.0;   ///< waiting for work while the loop was not finished
};

struct WorkStats {
  double wall_seconds = 0.0;          ///< this rank, from loop start to last worker done
  std::vector<ThreadStats> threads;   ///< one per worker thread of this rank
  std::uint64_t min_chunk = 0;        ///< smallest chunk this rank received (0: none)
  std::uint64_t max_chunk = 0;        ///< largest chunk this rank received
  bool spread = true;                 ///< false: auto judged the loop too small and ran it on rank 0
  bool stopped = false;               ///< the stop flag ended the loop before every task ran

  std::uint64_t tasks() const noexcept {
    std::uint64_t total = 0;
    for (const auto& t : threads) total += t.tasks;
    return total;
  }
  double busy_seconds() const noexcept {
    double total = 0.0;
    for (const auto& t : threads) total += t.busy_seconds;
    return total;
  }
  double idle_seconds() const noexcept {
    double total = 0.0;
    for (const auto& t : threads) total += t.idle_seconds;
    return total;
  }
  std::uint64_t chunks() const noexcept {
    std::uint64_t total = 0;
    for (const auto& t : threads) total += t.chunks;
    return total;
  }
};

}  // namespace partita

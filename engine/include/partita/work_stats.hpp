// What a parallel loop measured on one rank: tasks run and busy time, per
// thread, for reports and load-balance diagnostics.
#pragma once

#include <cstdint>
#include <vector>

namespace partita {

struct ThreadStats {
  std::uint64_t tasks = 0;
  double busy_seconds = 0.0;
};

struct WorkStats {
  double wall_seconds = 0.0;          ///< this rank, from loop start to last thread done
  std::vector<ThreadStats> threads;   ///< one per OpenMP thread of this rank

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
};

}  // namespace partita

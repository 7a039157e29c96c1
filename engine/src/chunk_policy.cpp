#include "chunk_policy.hpp"

#include <algorithm>
#include <cmath>

namespace partita::detail {

std::uint64_t ChunkPolicy::guided_chunk(std::uint64_t remaining) const noexcept {
  // Half the remaining work per worker round: big chunks early, a short tail.
  return std::max<std::uint64_t>(1, (remaining + 2 * workers_ - 1) / (2 * workers_));
}

std::uint64_t ChunkPolicy::initial_chunk() const noexcept {
  switch (schedule_.kind) {
    case Schedule::Kind::dynamic: return std::max<std::uint64_t>(1, schedule_.chunk);
    case Schedule::Kind::guided: return guided_chunk(n_);
    default: return 1;  // auto: measure one task per worker first
  }
}

std::uint64_t ChunkPolicy::next_chunk(std::uint64_t remaining, double mean_task_seconds) const noexcept {
  if (schedule_.kind == Schedule::Kind::dynamic) return initial_chunk();
  if (schedule_.kind == Schedule::Kind::guided) return guided_chunk(remaining);
  if (mean_task_seconds <= 0.0) return 1;
  const double wanted = std::ceil(auto_chunk_seconds / mean_task_seconds);
  const auto by_cost = static_cast<std::uint64_t>(std::min(wanted, 1e15));
  // Never so big that the last chunks leave workers idle: at most guided's.
  return std::clamp<std::uint64_t>(by_cost, 1, guided_chunk(remaining));
}

}  // namespace partita::detail

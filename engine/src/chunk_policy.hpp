// How big the next chunk of task positions is, per schedule. Chunks only
// decide who runs what; results never depend on them.
#pragma once

#include <cstdint>

#include "partita/schedule.hpp"

namespace partita::detail {

class ChunkPolicy {
 public:
  /// workers: worker threads over all ranks.
  ChunkPolicy(const Schedule& schedule, std::uint64_t n, std::uint64_t workers) noexcept
      : schedule_(schedule), n_(n), workers_(workers > 0 ? workers : 1) {}

  /// The chunk every worker starts with, before anything is measured.
  std::uint64_t initial_chunk() const noexcept;

  /// The chunk to grant now. mean_task_seconds <= 0 means not yet measured.
  std::uint64_t next_chunk(std::uint64_t remaining, double mean_task_seconds) const noexcept;

  /// auto aims for chunks this long: handing one out costs a message round
  /// trip of a few microseconds of CPU on each side, and the communication
  /// thread wakes about once a millisecond while work is out; both stay well
  /// under 1% of compute at this length. guided's bound keeps the tail short.
  static constexpr double auto_chunk_seconds = 10e-3;

 private:
  std::uint64_t guided_chunk(std::uint64_t remaining) const noexcept;

  Schedule schedule_;
  std::uint64_t n_;
  std::uint64_t workers_;
};

}  // namespace partita::detail

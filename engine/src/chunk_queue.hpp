// A rank's stock of granted work: ranges of task positions, cut into
// chunks that its worker threads take one at a time. The rank's
// communication thread (or, on a single rank, the workers themselves
// through `refill`) keeps it stocked.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>

namespace partita::detail {

/// Positions [begin, begin + count), to be taken `chunk` at a time.
struct Grant {
  std::uint64_t begin = 0;
  std::uint64_t count = 0;
  std::uint64_t chunk = 1;
};

struct Chunk {
  std::uint64_t begin = 0;
  std::uint64_t count = 0;
};

class ChunkQueue {
 public:
  /// low_water: fewer chunks than this left wakes the stocker (once, as the
  /// queue crosses it). refill: called (under the lock) when a worker finds
  /// the queue empty; returns a grant, count 0 when the work is exhausted.
  /// Empty function: another thread stocks the queue with add() and close().
  explicit ChunkQueue(std::uint64_t low_water, std::function<Grant()> refill = {})
      : low_water_(low_water), refill_(std::move(refill)) {}

  void add(const Grant& grant);
  /// No more grants will come; workers finish what is queued.
  void close();
  /// A task failed: drop what is queued and let workers stop.
  void abandon();

  /// The next chunk, waiting while the queue is empty but open; nullopt when
  /// the work is finished. Adds the time spent waiting to idle_seconds.
  std::optional<Chunk> take(double& idle_seconds);

  std::uint64_t chunks_left() const;
  bool abandoned() const;
  /// For the communication thread: returns when fewer than low_water
  /// chunks are queued, or the queue was abandoned, or after `timeout`.
  void wait_until_low(std::chrono::microseconds timeout);
  std::uint64_t low_water() const noexcept { return low_water_; }

 private:
  std::uint64_t chunks_left_locked() const;

  std::uint64_t low_water_;
  std::function<Grant()> refill_;
  mutable std::mutex mutex_;
  std::condition_variable workers_;
  std::condition_variable stocker_;
  std::deque<Grant> grants_;
  bool closed_ = false;
  bool abandoned_ = false;
};

}  // namespace partita::detail

#include "chunk_queue.hpp"


namespace partita::detail {

void ChunkQueue::add(const Grant& grant) {
  {
    std::lock_guard lock(mutex_);
    if (abandoned_ || grant.count == 0) return;
    grants_.push_back(grant);
  }
  workers_.notify_all();
}

void ChunkQueue::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  workers_.notify_all();
}

void ChunkQueue::abandon() {
  {
    std::lock_guard lock(mutex_);
    abandoned_ = true;
    closed_ = true;
    grants_.clear();
  }
  workers_.notify_all();
  stocker_.notify_all();
}

std::optional<Chunk> ChunkQueue::take(double& idle_seconds) {
  std::unique_lock lock(mutex_);
  if (grants_.empty() && !closed_ && refill_) {
    const Grant grant = refill_();
    if (grant.count == 0) {
      closed_ = true;
    } else {
      grants_.push_back(grant);
    }
  }
  if (grants_.empty() && !closed_) {
    const auto start = std::chrono::steady_clock::now();
    workers_.wait(lock, [this] { return !grants_.empty() || closed_; });
    idle_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  if (grants_.empty()) return std::nullopt;
  Grant& front = grants_.front();
  const Chunk chunk{front.begin, std::min(front.chunk, front.count)};
  front.begin += chunk.count;
  front.count -= chunk.count;
  if (front.count == 0) grants_.pop_front();
  // Wake the stocker only as the stock crosses the low-water mark, not on
  // every chunk: a quiet communication thread costs its core nothing.
  const bool crossed = !refill_ && chunks_left_locked() + 1 == low_water_;
  lock.unlock();
  if (crossed) stocker_.notify_one();
  return chunk;
}

std::uint64_t ChunkQueue::chunks_left_locked() const {
  std::uint64_t chunks = 0;
  for (const auto& g : grants_) chunks += (g.count + g.chunk - 1) / g.chunk;
  return chunks;
}

std::uint64_t ChunkQueue::chunks_left() const {
  std::lock_guard lock(mutex_);
  return chunks_left_locked();
}

bool ChunkQueue::abandoned() const {
  std::lock_guard lock(mutex_);
  return abandoned_;
}

void ChunkQueue::wait_until_low(std::chrono::microseconds timeout) {
  std::unique_lock lock(mutex_);
  stocker_.wait_for(lock, timeout, [&] { return abandoned_ || chunks_left_locked() < low_water_; });
}

}  // namespace partita::detail

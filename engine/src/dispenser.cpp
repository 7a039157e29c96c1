#include "dispenser.hpp"

#include <algorithm>

namespace partita::detail {

Grant Dispenser::grant(std::uint64_t chunks) {
  const std::uint64_t remaining = n_ - next_;
  if (remaining == 0 || chunks == 0) return {next_, 0, 1};
  const std::uint64_t chunk = policy_.next_chunk(remaining, mean_task_seconds());
  const std::uint64_t count = chunk > remaining / chunks ? std::min(remaining, chunk * chunks) : chunk * chunks;
  // No rank holds more than its share of what is left (at least a chunk):
  // with few workers a double grant could otherwise take half the work.
  const auto ranks = static_cast<std::uint64_t>(tasks_.size());
  const std::uint64_t share = std::max(chunk, (remaining + ranks - 1) / ranks);
  const Grant granted{next_, std::min({count, share, remaining}), chunk};
  next_ += granted.count;
  return granted;
}

void Dispenser::record(int rank, std::uint64_t tasks, double busy_seconds) {
  tasks_[rank] = tasks;
  busy_[rank] = busy_seconds;
}

bool Dispenser::worth_spreading() {
  if (!auto_schedule_) return true;
  if (spread_verdict_ < 0) {
    const double mean = mean_task_seconds();
    if (mean <= 0.0) return true;  // nothing measured yet
    spread_verdict_ = mean * static_cast<double>(n_) >= small_loop_seconds ? 1 : 0;
  }
  return spread_verdict_ == 1;
}

std::uint64_t Dispenser::tasks_reported() const noexcept {
  std::uint64_t tasks = 0;
  for (std::uint64_t t : tasks_) tasks += t;
  return tasks;
}

double Dispenser::mean_task_seconds() const {
  std::uint64_t tasks = 0;
  double busy = 0.0;
  for (std::size_t r = 0; r < tasks_.size(); ++r) {
    tasks += tasks_[r];
    busy += busy_[r];
  }
  return tasks > 0 ? busy / static_cast<double>(tasks) : 0.0;
}

}  // namespace partita::detail

// Progress of a running loop, reported on rank 0 so that a launcher can show
// done/total, a rate and an ETA while a long sweep runs.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace partita {

struct Progress {
  std::uint64_t done = 0;   ///< tasks known finished (other ranks' counts arrive with their requests)
  std::uint64_t total = 0;
  double elapsed_seconds = 0.0;
};

struct ProgressOptions {
  /// Called on rank 0 only, from its main thread (the thread that may call
  /// MPI), about every interval_seconds while the loop runs. Empty: none.
  std::function<void(const Progress&)> callback;
  double interval_seconds = 1.0;
};

namespace detail {

/// Decides when a progress report is due; cheap when it is not (one clock
/// read). Used only by the one thread of rank 0 that may report.
class ProgressTicker {
 public:
  ProgressTicker(const ProgressOptions& options, std::uint64_t total, bool reporting)
      : options_(options), total_(total), reporting_(reporting && static_cast<bool>(options.callback)),
        start_(std::chrono::steady_clock::now()), next_(start_ + interval()) {}

  bool active() const noexcept { return reporting_; }
  void maybe_report(std::uint64_t done) {
    if (!reporting_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now < next_) return;
    next_ = now + interval();
    options_.callback({done, total_, std::chrono::duration<double>(now - start_).count()});
  }

 private:
  std::chrono::steady_clock::duration interval() const {
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(options_.interval_seconds));
  }

  const ProgressOptions& options_;
  std::uint64_t total_;
  bool reporting_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point next_;
};

}  // namespace detail
}  // namespace partita

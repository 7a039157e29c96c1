// The STREAM triad, a[i] = b[i] + s * c[i], as the memory-bandwidth yardstick
// for bench/stencil_bench.cpp: the same threads, the same static schedule
// and first touch as the stencil, arrays far larger than the caches.
// Bandwidth is counted as STREAM counts it: 24 bytes per iteration (two
// reads, one write; the write-allocate read the hardware adds is not counted).
#pragma once

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <memory>

namespace partita::bench {

class StreamTriad {
 public:
  StreamTriad(std::size_t n, int threads)
      : n_(n), threads_(threads), a_(new double[n]), b_(new double[n]), c_(new double[n]) {
    // First touch by the thread that will stream each part.
#pragma omp parallel for schedule(static) num_threads(threads_)
    for (std::size_t i = 0; i < n_; ++i) {
      a_[i] = 0.0;
      b_[i] = 1.0;
      c_[i] = 2.0;
    }
  }

  /// One triad over the arrays; returns its seconds.
  double run() {
    double* __restrict a = a_.get();
    const double* __restrict b = b_.get();
    const double* __restrict c = c_.get();
    const double s = 3.0;
    const auto t0 = std::chrono::steady_clock::now();
#pragma omp parallel for schedule(static) num_threads(threads_)
    for (std::size_t i = 0; i < n_; ++i) a[i] = b[i] + s * c[i];
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }

  /// STREAM's byte count for one run.
  double bytes() const noexcept { return 24.0 * static_cast<double>(n_); }
  /// Keeps the stores observable.
  double probe() const noexcept { return a_[n_ / 2]; }

 private:
  std::size_t n_;
  int threads_;
  std::unique_ptr<double[]> a_, b_, c_;
};

}  // namespace partita::bench

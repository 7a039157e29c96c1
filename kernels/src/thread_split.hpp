// How the kernels spread one rank's values over OpenMP threads: contiguous
// equal ranges, one per thread, and no threads at all for small inputs
// (a parallel region costs microseconds; a thread should get at least
// tens of microseconds of work).
#pragma once

#include <omp.h>

#include <algorithm>
#include <cstddef>

namespace partita::kernels::detail {

/// Threads to use for n values: `requested` (<= 0: omp_get_max_threads()),
/// but no more than one per min_per_thread values, and at least 1.
inline int threads_for(int requested, std::size_t n, std::size_t min_per_thread) {
  const int wanted = requested > 0 ? requested : omp_get_max_threads();
  const std::size_t useful = std::max<std::size_t>(1, n / min_per_thread);
  return static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(std::max(wanted, 1)), useful));
}

/// Thread t of `threads`: values [first, last) of n.
struct Range {
  std::size_t first;
  std::size_t last;
};
inline Range thread_range(std::size_t n, int t, int threads) {
  // (n / T) k + (n % T) k / T: n k / T without overflowing n k.
  const auto share = [n, threads](int k) {
    const auto parts = static_cast<std::size_t>(threads);
    const auto kk = static_cast<std::size_t>(k);
    return n / parts * kk + n % parts * kk / parts;
  };
  return {share(t), share(t + 1)};
}

}  // namespace partita::kernels::detail

// The loops behind the fast (non-reproducible) reductions: a plain sum and
// dot with many independent accumulators, compiled per instruction set like
// the binned loops, so the fast baseline is as fast as the library can make
// it, not held back by one accumulator's add latency.
#pragma once

#include <cstddef>

namespace partita::kernels::detail {

/// x[0] + ... + x[n-1], grouped by vector lane: the grouping depends on the
/// instruction set this CPU runs.
double plain_sum(const double* x, std::size_t n) noexcept;
/// x[0] y[0] + ... + x[n-1] y[n-1], grouped likewise (products rounded).
double plain_dot(const double* x, const double* y, std::size_t n) noexcept;

}  // namespace partita::kernels::detail

// The vectorised inner loops behind reduce.hpp's reproducible sum and dot.
// Not collective, no threads, no MPI. Exposed (as detail) so tests can run
// every instruction-set variant and check that they agree bit for bit.
#pragma once

#include <span>

#include "partita/kernels/exact_sum.hpp"

namespace partita::kernels::detail {

/// The instruction sets the loops are compiled for. Every level adds the
/// same exact value, so the level never changes a result, only its speed.
enum class SimdLevel { generic, avx2, avx512 };

/// Whether this CPU (and its operating system) can run `level`.
bool simd_level_supported(SimdLevel level) noexcept;
/// The fastest level this CPU runs (checked once).
SimdLevel best_simd_level() noexcept;
const char* to_string(SimdLevel level) noexcept;

/// Adds x[0], ..., x[n-1] to acc, exactly.
/// Serial equivalent: for (double v : x) acc.add(v);
void add_sum(std::span<const double> x, ExactSum& acc, SimdLevel level = best_simd_level());

/// Adds each product x[i] * y[i] to acc as the pair p = fl(x[i] * y[i]) and
/// e = fma(x[i], y[i], -p), whose sum is the exact product unless that
/// product overflows or e underflows (|x[i] * y[i]| < 2^-969); a non-finite
/// p is added alone. Requires x.size() == y.size().
/// Serial equivalent: for (i...) { p = x[i] * y[i]; acc.add(p);
///                                  if (isfinite(p)) acc.add(fma(x[i], y[i], -p)); }
void add_dot(std::span<const double> x, std::span<const double> y, ExactSum& acc,
             SimdLevel level = best_simd_level());

}  // namespace partita::kernels::detail

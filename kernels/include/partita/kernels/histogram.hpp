// Fixed-range, fixed-bin-count histogram of values spread over ranks (each
// rank holds a part). Collective on ctx.comm() (the overload without a
// Context is not: no MPI). Reproducible: integer counts are exact, the same
// for any ranks, threads and split. Threads count into private bins, merged
// after the loop (no atomics). Serial equivalent: for (v) ++bin[bin_of(v)];
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "partita/context.hpp"
#include "partita/error.hpp"

namespace partita::kernels::histogram {

/// Equal-width bins over [lower, upper).
struct Layout {
  double lower = 0.0;
  double upper = 1.0;
  std::size_t bins = 1;
};

/// Throws partita::InvalidArgument unless lower and upper are finite,
/// lower < upper, upper - lower is finite and bins >= 1.
void validate(const Layout& layout);

/// The bin of a value v with lower <= v < upper (the same arithmetic
/// count() uses): floor((v - lower) x (bins / (upper - lower))), as computed
/// in doubles, clamped to bins - 1 (rounding may reach bins just below upper).
std::size_t bin_of(double v, const Layout& layout) noexcept;

struct Histogram {
  Layout layout;
  std::vector<std::uint64_t> counts;  ///< layout.bins entries
  std::uint64_t underflow = 0;        ///< v < lower, -Inf included
  std::uint64_t overflow = 0;         ///< v >= upper, +Inf included
  std::uint64_t nan = 0;              ///< NaN, either sign

  /// Values that fell in a bin: the sum of counts.
  std::uint64_t in_range() const noexcept;
  /// Every value seen: in_range() + underflow + overflow + nan.
  std::uint64_t total() const noexcept;
};

/// Counts every rank's values. Collective on ctx.comm(): every rank calls it
/// with the same layout and its own part (which may be empty), runs
/// ctx.threads() threads over it, and receives the whole histogram
/// (MPI_Allreduce of the counts). Exact; throws partita::InvalidArgument on
/// every rank for an invalid layout.
/// Serial equivalent: for (rank r) for (v in part of r) {
///   if (isnan(v)) ++nan; else if (v < lower) ++underflow;
///   else if (v >= upper) ++overflow; else ++counts[bin_of(v, layout)]; }
Histogram count(const Context& ctx, std::span<const double> local, const Layout& layout);

/// The same for values held entirely here. Not collective: no MPI calls, so
/// safe on any thread, e.g. inside a launcher task. `threads` OpenMP threads
/// (threads <= 0: omp_get_max_threads() of the caller; fewer for short
/// inputs: each thread gets at least max(16384, bins) values).
Histogram count(std::span<const double> x, const Layout& layout, int threads = 0);

}  // namespace partita::kernels::histogram

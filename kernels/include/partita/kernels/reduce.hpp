// Sum, dot product and 2-norm of a vector spread over ranks (each rank holds
// a part). Collective on ctx.comm() (the overloads without a Context are not:
// they make no MPI calls). sum/dot/norm2: reproducible, the exact result
// rounded once, bitwise identical for any ranks, threads and split; fast_*:
// OpenMP reduction + MPI_Allreduce, not reproducible.
// Serial equivalent: acc = 0; for (rank) for (v in its part) acc += v;
// (in exact arithmetic, rounded once, for the reproducible ones).
#pragma once

#include <mpi.h>

#include <span>

#include "partita/context.hpp"
#include "partita/error.hpp"
#include "partita/kernels/exact_sum.hpp"

namespace partita::kernels::reduce {

// ---- Reproducible -------------------------------------------------------
//
// Collective on ctx.comm(): every rank calls with its own part (which may be
// empty) and receives the same result; ctx.threads() threads work on this
// rank's part (fewer for short parts: at least 16384 values per thread). Bitwise identical for any number of ranks and threads and any
// split of the vector, and at least as accurate as any order of naive
// summation: each value (each product, for dot) enters an ExactSum exactly
// and only the total is rounded (to nearest, ties to even). A NaN anywhere,
// or +Inf together with -Inf, gives NaN; an infinity gives that infinity; an
// exact total beyond DBL_MAX gives +-Inf; an exact zero gives +0.0.
// Serial equivalent: exact = 0 (a real number, no rounding);
//   for (rank r = 0..size-1) for (v in part of r) exact += v;
//   return round_to_nearest(exact);

/// The sum of every rank's values. Collective on ctx.comm().
double sum(const Context& ctx, std::span<const double> local);

/// The sum of x[i] * y[i] over every rank's pairs, each product taken
/// exactly (p + fma error): the exact dot product rounded once, as long as
/// no product overflows (it then counts as +-Inf) and no nonzero product is
/// below 2^-969 in magnitude (its rounding error is then itself rounded, off
/// by at most 2^-1075; still reproducible). Collective on ctx.comm(); every
/// rank needs x.size() == y.size(), else every rank throws
/// partita::InvalidArgument.
double dot(const Context& ctx, std::span<const double> x, std::span<const double> y);

/// sqrt of the sum of squares taken as in dot(x, x), i.e. within about one
/// ulp of the true 2-norm (one rounding of the sum, one of sqrt). When that
/// sum overflows or falls below 2^-900, every rank recomputes it with all
/// values scaled by the same power of two (from the largest |x|, one extra
/// MPI_MAX), so overflow or underflow happens only if the norm itself is
/// beyond the double range. Collective on ctx.comm().
double norm2(const Context& ctx, std::span<const double> x);

/// The same three for a vector held entirely here. Not collective: no MPI
/// calls, so safe on any thread, e.g. inside a launcher task. `threads`
/// OpenMP threads (threads <= 0: omp_get_max_threads() of the caller; fewer
/// for short vectors, at least 16384 values each). The result equals the
/// collective one on any split of the same values.
double sum(std::span<const double> x, int threads = 0);
double dot(std::span<const double> x, std::span<const double> y, int threads = 0);
double norm2(std::span<const double> x, int threads = 0);

/// Building blocks: this rank's exact partial sum (of values, or of exact
/// products), with `threads` threads. Not collective.
ExactSum partial_sum(std::span<const double> x, int threads = 0);
ExactSum partial_dot(std::span<const double> x, std::span<const double> y, int threads = 0);

/// The exact sum of every rank's `mine`, on every rank: one MPI_Allreduce
/// (MPI_SUM of int64 words, which is exact and order-free). Collective on
/// comm; call it from the thread that makes MPI calls.
ExactSum allreduce(const ExactSum& mine, MPI_Comm comm);

// ---- Fast, not reproducible ---------------------------------------------
//
// Each thread sums its contiguous range with vectorised, independent
// accumulators; an OpenMP reduction(+) adds the thread partials and
// MPI_Allreduce(MPI_SUM) the rank totals. The grouping of the additions
// depends on the number of ranks and threads, the CPU's vector width and the
// MPI library, so the last bits may differ between runs that differ in
// those; the error bound is that of naive summation. Collective on
// ctx.comm().
// Serial equivalent: acc = 0; for (rank, v) acc += v; return acc;
// (up to the grouping of the additions).

double fast_sum(const Context& ctx, std::span<const double> local);
double fast_dot(const Context& ctx, std::span<const double> x, std::span<const double> y);
/// sqrt(fast_dot(x, x)): overflows when the sum of squares does.
double fast_norm2(const Context& ctx, std::span<const double> x);

/// Not collective, no MPI, like the reproducible overloads above.
double fast_sum(std::span<const double> x, int threads = 0);
double fast_dot(std::span<const double> x, std::span<const double> y, int threads = 0);
double fast_norm2(std::span<const double> x, int threads = 0);

}  // namespace partita::kernels::reduce

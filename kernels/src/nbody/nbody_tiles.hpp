// The pair-interaction loops of the n-body kernel: one block of target
// bodies against one block of sources, adding one fixed-point term per
// (target, source tile) to the targets' sums. A target's sums then depend
// only on which tiles it met, never on their order or on the threads.
#pragma once

#include <cstdint>

#include "reduce/fixed_sum.hpp"
#include "partita/kernels/nbody.hpp"

namespace partita::kernels::nbody::detail {

using kernels::detail::FixedScale;
using kernels::detail::FixedSum;

/// A block's positions (and masses; null for targets) and its place in the
/// global order.
struct BlockView {
  const double* x = nullptr;
  const double* y = nullptr;
  const double* z = nullptr;
  const double* mass = nullptr;
  std::uint64_t count = 0;
  std::uint64_t offset = 0;
};

/// Floating-point operations counted per pair interaction (bench-nbody):
/// 3 subtractions, 3 multiplies and 3 adds for r^2 + eps^2, a square root and
/// a division (counted 1 each, the usual convention), 3 multiplies for
/// m / r^3, and 3 multiplies and 3 adds for the acceleration: 20.
inline constexpr double flops_per_interaction = 20.0;

/// For each target i: a[i] += sum over sources j of m_j (x_j - x_i) /
/// (|x_j - x_i|^2 + eps2)^(3/2), in units of scale (without G). A source at
/// the target's own position adds exactly zero. Runs an OpenMP loop over the
/// targets on at most `threads` threads.
void add_accelerations(const BlockView& targets, const BlockView& sources, double eps2, const FixedScale& scale,
                       FixedSum* ax, FixedSum* ay, FixedSum* az, int threads);

/// For each target i: phi[i] += sum over sources j != i (by global index) of
/// m_j / sqrt(|x_j - x_i|^2 + eps2), in units of scale (without -G).
void add_potentials(const BlockView& targets, const BlockView& sources, double eps2, const FixedScale& scale,
                    FixedSum* phi, int threads);

}  // namespace partita::kernels::nbody::detail

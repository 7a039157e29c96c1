// The one place the stencil's arithmetic is written. Every point of the grid
// goes through update_row, whichever rank, thread or phase (interior or
// strip next to the halo) computes it; with contraction off (see
// kernels/CMakeLists.txt) that makes the result independent of the split.
#pragma once

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace partita::kernels::stencil::detail {

/// out[j] for j in [begin, end) from the row above (up), the row itself
/// (mid) and the row below (down); mid[begin - 1] and mid[end] must exist.
/// With Track, returns max |out[j] - mid[j]| (a max: any order gives the
/// same bits), else 0. No branch in the loop, unit stride: it vectorises.
/// Always inlined, so that each instruction set's caller (row_kernels.cpp)
/// vectorises it at its own width.
template <bool Track>
[[gnu::always_inline]] inline double update_row(double* __restrict out, const double* __restrict up,
                                                const double* __restrict mid, const double* __restrict down,
                                                std::size_t begin, std::size_t end, double alpha) {
  if constexpr (Track) {
    // Non-negative doubles order as their bit patterns do, and an integer
    // max vectorises under every compiler, where a floating-point one needs
    // -ffinite-math-only (Clang will not vectorise it even under omp simd).
    // A NaN change (bits above +inf) wins, whatever the order.
    std::int64_t change = 0;
#pragma omp simd reduction(max : change)
    for (std::size_t j = begin; j < end; ++j) {
      const double v = mid[j] + alpha * ((up[j] + down[j]) + (mid[j - 1] + mid[j + 1]) - 4.0 * mid[j]);
      out[j] = v;
      const auto d = std::bit_cast<std::int64_t>(std::fabs(v - mid[j]));
      change = change > d ? change : d;
    }
    return std::bit_cast<double>(change);
  } else {
#pragma omp simd
    for (std::size_t j = begin; j < end; ++j) {
      out[j] = mid[j] + alpha * ((up[j] + down[j]) + (mid[j - 1] + mid[j + 1]) - 4.0 * mid[j]);
    }
    return 0.0;
  }
}

}  // namespace partita::kernels::stencil::detail

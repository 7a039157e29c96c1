// The row update compiled for the widest vectors this CPU offers (SSE2,
// AVX2 or AVX-512 on x86-64), chosen once at run time: a release build
// targets the baseline ISA, and at SSE2 widths the update is bound by
// arithmetic, not memory. Every version does the same IEEE operations in the
// same order on every lane, with contraction off, so all give the same bits.
#pragma once

#include <cstddef>

namespace partita::kernels::stencil::detail {

/// update_row<Track> (row_update.hpp) for one instruction set.
using RowUpdate = double (*)(double* out, const double* up, const double* mid, const double* down, std::size_t begin,
                             std::size_t end, double alpha);

struct RowKernels {
  RowUpdate plain = nullptr;    ///< update_row<false>
  RowUpdate tracked = nullptr;  ///< update_row<true>: also the largest change
  const char* isa = "";         ///< "sse2", "avx2", "avx512f" or "generic"
};

/// The fastest versions this CPU runs.
RowKernels row_kernels() noexcept;

}  // namespace partita::kernels::stencil::detail

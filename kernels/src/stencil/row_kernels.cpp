#include "row_kernels.hpp"

#include "row_update.hpp"

// GCC and Clang compile a function for a wider ISA with target attributes and
// tell at run time whether the CPU has it; elsewhere only the baseline exists.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define PARTITA_STENCIL_X86_DISPATCH 1
#else
#define PARTITA_STENCIL_X86_DISPATCH 0
#endif

namespace partita::kernels::stencil::detail {

namespace {

template <bool Track>
double baseline(double* out, const double* up, const double* mid, const double* down, std::size_t begin,
                std::size_t end, double alpha) {
  return update_row<Track>(out, up, mid, down, begin, end, alpha);
}

#if PARTITA_STENCIL_X86_DISPATCH
template <bool Track>
__attribute__((target("avx2"))) double avx2(double* out, const double* up, const double* mid, const double* down,
                                            std::size_t begin, std::size_t end, double alpha) {
  return update_row<Track>(out, up, mid, down, begin, end, alpha);
}

template <bool Track>
__attribute__((target("avx512f"))) double avx512(double* out, const double* up, const double* mid, const double* down,
                                                 std::size_t begin, std::size_t end, double alpha) {
  return update_row<Track>(out, up, mid, down, begin, end, alpha);
}
#endif

}  // namespace

RowKernels row_kernels() noexcept {
#if PARTITA_STENCIL_X86_DISPATCH
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return {avx512<false>, avx512<true>, "avx512f"};
  if (__builtin_cpu_supports("avx2")) return {avx2<false>, avx2<true>, "avx2"};
  return {baseline<false>, baseline<true>, "sse2"};
#else
  return {baseline<false>, baseline<true>, "generic"};
#endif
}

}  // namespace partita::kernels::stencil::detail

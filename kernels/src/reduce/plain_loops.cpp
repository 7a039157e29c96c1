#include "reduce/plain_loops.hpp"

#include <cstring>

#include "reduce/binned_body.hpp"  // Vec<W>, PARTITA_ALWAYS_INLINE
#include "partita/kernels/detail/binned.hpp"

namespace partita::kernels::detail {

namespace {

// NV vectors of W lanes as independent accumulators; products rounded then
// added (no FMA contraction, the same as a plain loop without -ffp-contract).
template <int W, int NV, bool Dot>
PARTITA_ALWAYS_INLINE double plain(const double* x, const double* y, std::size_t n) noexcept {
  using D = typename binned::Vec<W>::d;
  constexpr std::size_t lanes = std::size_t{W} * NV;
  D acc[NV] = {};
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    for (int v = 0; v < NV; ++v) {
      D a;
      std::memcpy(&a, x + i + v * W, sizeof a);
      if constexpr (Dot) {
        D b;
        std::memcpy(&b, y + i + v * W, sizeof b);
        a = a * b;
      }
      acc[v] += a;
    }
  }
  double total = 0.0;
  for (; i < n; ++i) total += Dot ? x[i] * y[i] : x[i];
  for (int v = 0; v < NV; ++v) {
    for (int l = 0; l < W; ++l) total += acc[v][l];
  }
  return total;
}

double sum_generic(const double* x, std::size_t n) { return plain<2, 8, false>(x, nullptr, n); }
double dot_generic(const double* x, const double* y, std::size_t n) { return plain<2, 8, true>(x, y, n); }

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define PARTITA_PLAIN_X86 1
__attribute__((target("avx2,fma"))) double sum_avx2(const double* x, std::size_t n) {
  return plain<4, 4, false>(x, nullptr, n);
}
__attribute__((target("avx2,fma"))) double dot_avx2(const double* x, const double* y, std::size_t n) {
  return plain<4, 4, true>(x, y, n);
}
__attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma"))) double sum_avx512(const double* x,
                                                                                        std::size_t n) {
  return plain<8, 4, false>(x, nullptr, n);
}
__attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma"))) double dot_avx512(const double* x,
                                                                                        const double* y,
                                                                                        std::size_t n) {
  return plain<8, 4, true>(x, y, n);
}
#else
#define PARTITA_PLAIN_X86 0
#endif

}  // namespace

double plain_sum(const double* x, std::size_t n) noexcept {
#if PARTITA_PLAIN_X86
  switch (best_simd_level()) {
    case SimdLevel::avx512: return sum_avx512(x, n);
    case SimdLevel::avx2: return sum_avx2(x, n);
    default: break;
  }
#endif
  return sum_generic(x, n);
}

double plain_dot(const double* x, const double* y, std::size_t n) noexcept {
#if PARTITA_PLAIN_X86
  switch (best_simd_level()) {
    case SimdLevel::avx512: return dot_avx512(x, y, n);
    case SimdLevel::avx2: return dot_avx2(x, y, n);
    default: break;
  }
#endif
  return dot_generic(x, y, n);
}

}  // namespace partita::kernels::detail

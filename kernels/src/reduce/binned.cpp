// One compiled copy of the block loops per instruction set, and the choice
// among them at run time: the release build targets baseline x86-64 (SSE2),
// which leaves most of a current core's vector width unused.
#include "partita/kernels/detail/binned.hpp"

#include <string>

#include "reduce/binned_body.hpp"
#include "partita/error.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define PARTITA_X86_VARIANTS 1
#define PARTITA_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define PARTITA_TARGET_AVX512 __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")))
#else
#define PARTITA_X86_VARIANTS 0
#endif

namespace partita::kernels::detail {

namespace {

// Vector width W and NV independent vectors per grid: NV x W lanes, enough
// independent additions in flight to cover the adder's latency.
void sum_generic(const double* x, std::size_t n, ExactSum& acc) { binned::add_sum<2, 4>(x, n, acc); }
void dot_generic(const double* x, const double* y, std::size_t n, ExactSum& acc) {
  binned::add_dot<2, 4>(x, y, n, acc);
}

#if PARTITA_X86_VARIANTS
PARTITA_TARGET_AVX2 void sum_avx2(const double* x, std::size_t n, ExactSum& acc) { binned::add_sum<4, 4>(x, n, acc); }
PARTITA_TARGET_AVX2 void dot_avx2(const double* x, const double* y, std::size_t n, ExactSum& acc) {
  binned::add_dot<4, 2>(x, y, n, acc);
}
PARTITA_TARGET_AVX512 void sum_avx512(const double* x, std::size_t n, ExactSum& acc) {
  binned::add_sum<8, 2>(x, n, acc);
}
PARTITA_TARGET_AVX512 void dot_avx512(const double* x, const double* y, std::size_t n, ExactSum& acc) {
  binned::add_dot<8, 1>(x, y, n, acc);
}
#endif

void check_supported(SimdLevel level) {
  if (!simd_level_supported(level)) {
    throw InvalidArgument(std::string("SIMD level ") + to_string(level) + " is not supported by this CPU");
  }
}

}  // namespace

bool simd_level_supported(SimdLevel level) noexcept {
  switch (level) {
    case SimdLevel::generic:
      return true;
#if PARTITA_X86_VARIANTS
    case SimdLevel::avx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case SimdLevel::avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
             __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
    default:
      return false;
  }
}

SimdLevel best_simd_level() noexcept {
  static const SimdLevel best = [] {
    if (simd_level_supported(SimdLevel::avx512)) return SimdLevel::avx512;
    if (simd_level_supported(SimdLevel::avx2)) return SimdLevel::avx2;
    return SimdLevel::generic;
  }();
  return best;
}

const char* to_string(SimdLevel level) noexcept {
  switch (level) {
    case SimdLevel::avx2:
      return "avx2";
    case SimdLevel::avx512:
      return "avx512";
    default:
      return "generic";
  }
}

void add_sum(std::span<const double> x, ExactSum& acc, SimdLevel level) {
  check_supported(level);
#if PARTITA_X86_VARIANTS
  if (level == SimdLevel::avx512) return sum_avx512(x.data(), x.size(), acc);
  if (level == SimdLevel::avx2) return sum_avx2(x.data(), x.size(), acc);
#endif
  sum_generic(x.data(), x.size(), acc);
}

void add_dot(std::span<const double> x, std::span<const double> y, ExactSum& acc, SimdLevel level) {
  check_supported(level);
  if (x.size() != y.size()) {
    throw InvalidArgument("add_dot: x has " + std::to_string(x.size()) + " values, y " +
                          std::to_string(y.size()));
  }
#if PARTITA_X86_VARIANTS
  if (level == SimdLevel::avx512) return dot_avx512(x.data(), y.data(), x.size(), acc);
  if (level == SimdLevel::avx2) return dot_avx2(x.data(), y.data(), x.size(), acc);
#endif
  dot_generic(x.data(), y.data(), x.size(), acc);
}

}  // namespace partita::kernels::detail

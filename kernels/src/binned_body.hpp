// The block loops behind detail/binned.hpp, written once with GCC vector
// types and compiled per instruction set by binned.cpp: a function with a
// target attribute inlines these always_inline templates, so each variant
// is vectorised for its own registers.
//
// Why every value lands exactly (Demmel and Nguyen's binned extraction, with
// the grid chosen per block rather than globally, and an exact accumulator
// behind it). Take a block of at most 2^b values, all of magnitude below
// 2^e (the block's largest sets e). A double a that starts at the sentinel
// 1.5 x 2^(f+52) has an ulp of 2^f; while a - sentinel stays below 2^(f+51)
// in magnitude, t = a + x rounds x to a multiple of 2^f, and q = t - a and
// r = x - q are exact (Sterbenz; r is the bits of x below the grid). With
// f0 = e + b - 51 no lane, and no sum of the lanes, can leave that range.
// A second grid f1 = f0 - 1 + b - 51 takes the remainders r (below
// 2^(f0-1)) the same way. Each grid's lanes then sum exactly to one double,
// which goes into the ExactSum. Together the grids hold every bit of any
// value within about 2^28 (sum, b = 11) or 2^29 (dot, b = 10) of the
// block's largest; if anything is left below the second grid (a much
// smaller value, or a NaN, whose remainder is NaN), or the largest is huge
// or infinite, the block's grids are dropped and its values are added one by
// one. Either way each value is added exactly, so block boundaries, lane
// counts and instruction sets never change the result.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "partita/kernels/exact_sum.hpp"

#define PARTITA_ALWAYS_INLINE inline __attribute__((always_inline))

namespace partita::kernels::detail::binned {

template <int W>
struct Vec {
  typedef double d __attribute__((vector_size(8 * W)));
  typedef std::int64_t i __attribute__((vector_size(8 * W)));
};

/// 1.5 x 2^(f + 52): a double whose ulp is 2^f (f >= -1074).
inline double sentinel(int f) noexcept {
  const auto biased = static_cast<std::uint64_t>(f + 52 + 1023);
  return std::bit_cast<double>((biased << 52) | (std::uint64_t{1} << 51));
}

/// The two grids of one block, as sentinels.
struct Grids {
  double s0 = 0.0;
  double s1 = 0.0;
};

/// The grids for at most 2^block_log2 values below max_abs (not NaN) in
/// magnitude. False when max_abs is so large (>= 2^(1022 - block_log2)) or
/// infinite that a sentinel or a lane sum could overflow: add value by value.
inline bool grids_for(double max_abs, int block_log2, Grids& grids) noexcept {
  const auto biased = static_cast<int>(std::bit_cast<std::uint64_t>(max_abs) >> 52);
  const int e = std::max(biased, 1) - 1022;  // max_abs < 2^e
  const int f0 = std::max(e + block_log2 - 51, -1074);
  if (f0 > 971) return false;  // sentinel x 4/3 must stay below 2^1024
  const int f1 = std::max(f0 - 1 + block_log2 - 51, -1074);
  grids = {sentinel(f0), sentinel(f1)};
  return true;
}

/// Largest |p[i]| over [0, len), NaNs ignored (they are caught later, by
/// their NaN remainder).
template <int W, int NV>
PARTITA_ALWAYS_INLINE double max_abs(const double* p, std::size_t len) noexcept {
  using D = typename Vec<W>::d;
  using I = typename Vec<W>::i;
  constexpr std::size_t lanes = std::size_t{W} * NV;
  const I abs_mask = I{} + 0x7fffffffffffffff;
  D m[NV] = {};
  std::size_t i = 0;
  for (; i + lanes <= len; i += lanes) {
    for (int v = 0; v < NV; ++v) {
      D a;
      std::memcpy(&a, p + i + v * W, sizeof a);
      a = (D)((I)a & abs_mask);
      m[v] = a > m[v] ? a : m[v];
    }
  }
  double r = 0.0;
  for (; i < len; ++i) r = std::max(r, std::fabs(p[i]));
  for (int v = 0; v < NV; ++v) {
    for (int l = 0; l < W; ++l) r = std::max(r, m[v][l]);
  }
  return r;
}

/// One grid pair's running state: NV vectors of W lanes.
template <int W, int NV>
struct Bins {
  using D = typename Vec<W>::d;
  using I = typename Vec<W>::i;
  D a0[NV];
  D a1[NV];
  I left[NV];  // OR of the final remainders' bits (sign shifted out)

  PARTITA_ALWAYS_INLINE void start(const Grids& g) noexcept {
    for (int v = 0; v < NV; ++v) {
      a0[v] = D{} + g.s0;
      a1[v] = D{} + g.s1;
      left[v] = I{};
    }
  }

  /// Deposits p[0, W x NV) into both grids.
  PARTITA_ALWAYS_INLINE void deposit(const double* p) noexcept {
    for (int v = 0; v < NV; ++v) {
      D x;
      std::memcpy(&x, p + v * W, sizeof x);
      D t = a0[v] + x;
      D q = t - a0[v];
      D r = x - q;
      a0[v] = t;
      t = a1[v] + r;
      q = t - a1[v];
      r = r - q;
      a1[v] = t;
      left[v] |= (I)r << 1;
    }
  }

  /// True when no value had bits below the second grid (nor was NaN).
  PARTITA_ALWAYS_INLINE bool whole() const noexcept {
    std::int64_t any = 0;
    for (int v = 0; v < NV; ++v) {
      for (int l = 0; l < W; ++l) any |= left[v][l];
    }
    return any == 0;
  }

  /// Adds the two grids' sums to acc. Each lane's a - sentinel is exact
  /// (Sterbenz) and so is every partial sum over lanes (see the header).
  PARTITA_ALWAYS_INLINE void add_to(const Grids& g, ExactSum& acc) const noexcept {
    double sum0 = 0.0;
    double sum1 = 0.0;
    for (int v = 0; v < NV; ++v) {
      for (int l = 0; l < W; ++l) {
        sum0 += a0[v][l] - g.s0;
        sum1 += a1[v][l] - g.s1;
      }
    }
    acc.add(sum0);
    acc.add(sum1);
  }
};

/// Prefetches the cache lines of `lanes` doubles at byte address `at`. An
/// address, not a pointer: it may lie past the end of the data (prefetches
/// never fault), where forming a pointer would be undefined.
template <std::size_t lanes>
PARTITA_ALWAYS_INLINE void prefetch(std::uintptr_t at) noexcept {
  for (std::size_t c = 0; c < lanes; c += 8) {
    __builtin_prefetch(reinterpret_cast<const void*>(at + c * sizeof(double)));
  }
}

/// Sum: blocks of 2^11 values. Each block's maximum is taken in a first
/// pass; the deposit pass prefetches the next block, so memory keeps
/// streaming while the deposits compute.
template <int W, int NV>
PARTITA_ALWAYS_INLINE void add_sum(const double* x, std::size_t n, ExactSum& acc) noexcept {
  constexpr int block_log2 = 11;
  constexpr std::size_t block = std::size_t{1} << block_log2;
  constexpr std::size_t lanes = std::size_t{W} * NV;
  static_assert(block % lanes == 0 && lanes % 8 == 0);
  Bins<W, NV> bins;
  for (std::size_t start = 0; start < n; start += block) {
    const double* p = x + start;
    const std::size_t len = std::min(block, n - start);
    const std::size_t next_len = std::min(block, n - start - len);
    Grids grids;
    if (!grids_for(max_abs<W, NV>(p, len), block_log2, grids)) {
      for (std::size_t i = 0; i < len; ++i) acc.add(p[i]);
      continue;
    }
    bins.start(grids);
    const auto next = reinterpret_cast<std::uintptr_t>(p) + len * sizeof(double);
    std::size_t i = 0;
    for (; i + lanes <= len; i += lanes) {
      if (i < next_len) prefetch<lanes>(next + i * sizeof(double));
      bins.deposit(p + i);
    }
    if (i < len) {
      double tail[lanes] = {};  // zeros deposit nothing
      std::memcpy(tail, p + i, (len - i) * sizeof(double));
      bins.deposit(tail);
    }
    if (bins.whole()) {
      bins.add_to(grids, acc);
    } else {
      for (std::size_t k = 0; k < len; ++k) acc.add(p[k]);
    }
  }
}

/// Adds the exact product x * y value by value: p, then its rounding error
/// e when p is finite (a NaN or infinite p is added alone).
inline void add_product(double x, double y, ExactSum& acc) noexcept {
  const double p = x * y;
  acc.add(p);
  if (std::isfinite(p)) acc.add(std::fma(x, y, -p));
}

/// Dot: blocks of 2^10 pairs. A first pass writes the products p and their
/// errors e = fma(x, y, -p) (two streams, each with its own maximum and
/// grids), a second deposits both. Where the target has FMA instructions the
/// first pass vectorises; elsewhere std::fma is a library call (slow, but
/// the same correctly rounded e, so the same result).
template <int W, int NV>
PARTITA_ALWAYS_INLINE void add_dot(const double* x, const double* y, std::size_t n, ExactSum& acc) noexcept {
  constexpr int block_log2 = 10;
  constexpr std::size_t block = std::size_t{1} << block_log2;
  constexpr std::size_t lanes = std::size_t{W} * NV;
  static_assert(block % lanes == 0 && lanes % 8 == 0);
  alignas(64) double prod[block];
  alignas(64) double err[block];
  Bins<W, NV> prod_bins;
  Bins<W, NV> err_bins;
  for (std::size_t start = 0; start < n; start += block) {
    const double* px = x + start;
    const double* py = y + start;
    const std::size_t len = std::min(block, n - start);
    const std::size_t next_len = std::min(block, n - start - len);
    for (std::size_t i = 0; i < len; ++i) {
      prod[i] = px[i] * py[i];
      err[i] = std::fma(px[i], py[i], -prod[i]);
    }
    // Pad to whole vectors with zeros, which deposit nothing.
    const std::size_t padded = (len + lanes - 1) / lanes * lanes;
    std::fill(prod + len, prod + padded, 0.0);
    std::fill(err + len, err + padded, 0.0);
    Grids prod_grids;
    Grids err_grids;
    bool exact = grids_for(max_abs<W, NV>(prod, padded), block_log2, prod_grids) &&
                 grids_for(max_abs<W, NV>(err, padded), block_log2, err_grids);
    if (exact) {
      prod_bins.start(prod_grids);
      err_bins.start(err_grids);
      const auto next_x = reinterpret_cast<std::uintptr_t>(px) + len * sizeof(double);
      const auto next_y = reinterpret_cast<std::uintptr_t>(py) + len * sizeof(double);
      for (std::size_t i = 0; i < padded; i += lanes) {
        if (i < next_len) {
          prefetch<lanes>(next_x + i * sizeof(double));
          prefetch<lanes>(next_y + i * sizeof(double));
        }
        prod_bins.deposit(prod + i);
        err_bins.deposit(err + i);
      }
      exact = prod_bins.whole() && err_bins.whole();
    }
    if (exact) {
      prod_bins.add_to(prod_grids, acc);
      err_bins.add_to(err_grids, acc);
    } else {
      for (std::size_t k = 0; k < len; ++k) add_product(px[k], py[k], acc);
    }
  }
}

}  // namespace partita::kernels::detail::binned

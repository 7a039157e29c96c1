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
// 2^(f0-1)) the same way, and so on: each grid adds 52 - b bits. Two grids
// hold every bit of any value down to about 2^-29 of the block's largest
// (sum, b = 11; 2^-31 for dot, b = 10); a block with a wider range is
// retried with five grids (2^-152, about 45 decades); if anything is still
// left below the last grid (a value tinier yet, or a NaN, whose remainder
// is NaN), or the largest is huge or infinite, the block's grids are dropped
// and its values are added one by one. Either way each value is added
// exactly, so block boundaries, lane counts and instruction sets never
// change the result.
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

/// The K grids of one block, as sentinels, finest last.
template <int K>
struct Grids {
  double s[K] = {};
};

/// The grids for at most 2^block_log2 values below max_abs (not NaN) in
/// magnitude. False when max_abs is so large (>= 2^(1022 - block_log2)) or
/// infinite that a sentinel or a lane sum could overflow: add value by value.
template <int K>
bool grids_for(double max_abs, int block_log2, Grids<K>& grids) noexcept {
  const auto biased = static_cast<int>(std::bit_cast<std::uint64_t>(max_abs) >> 52);
  const int e = std::max(biased, 1) - 1022;  // max_abs < 2^e
  int f = std::max(e + block_log2 - 51, -1074);
  if (f > 971) return false;  // sentinel x 4/3 must stay below 2^1024
  for (int k = 0; k < K; ++k) {
    grids.s[k] = sentinel(f);
    // Remainders of this grid are at most 2^(f - 1): the next grid's input.
    f = std::max(f - 1 + block_log2 - 51, -1074);
  }
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

/// K grids' running state: NV vectors of W lanes each.
template <int W, int NV, int K>
struct Bins {
  using D = typename Vec<W>::d;
  using I = typename Vec<W>::i;
  D a[K][NV];
  I left[NV];  // OR of the final remainders' bits

  PARTITA_ALWAYS_INLINE void start(const Grids<K>& g) noexcept {
    for (int v = 0; v < NV; ++v) {
      for (int k = 0; k < K; ++k) a[k][v] = D{} + g.s[k];
      left[v] = I{};
    }
  }

  /// Deposits p[0, W x NV) into the grids, coarsest first.
  PARTITA_ALWAYS_INLINE void deposit(const double* p) noexcept {
    for (int v = 0; v < NV; ++v) {
      D r;
      std::memcpy(&r, p + v * W, sizeof r);
      for (int k = 0; k < K; ++k) {
        const D t = a[k][v] + r;
        const D q = t - a[k][v];
        r = r - q;
        a[k][v] = t;
      }
      left[v] |= (I)r;
    }
  }

  /// True when no value had bits below the last grid (nor was NaN). A
  /// remainder of -0 (from a value -0) sets only the sign bit, which is
  /// dropped here, once per block, rather than from every remainder.
  PARTITA_ALWAYS_INLINE bool whole() const noexcept {
    std::uint64_t any = 0;
    for (int v = 0; v < NV; ++v) {
      for (int l = 0; l < W; ++l) any |= static_cast<std::uint64_t>(left[v][l]);
    }
    return (any << 1) == 0;
  }

  /// Adds the grids' sums to acc. Each lane's a - sentinel is exact
  /// (Sterbenz) and so is every partial sum over lanes (see the header).
  PARTITA_ALWAYS_INLINE void add_to(const Grids<K>& g, ExactSum& acc) const noexcept {
    for (int k = 0; k < K; ++k) {
      double sum = 0.0;
      for (int v = 0; v < NV; ++v) {
        for (int l = 0; l < W; ++l) sum += a[k][v][l] - g.s[k];
      }
      acc.add(sum);
    }
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

/// While a block deposits (a pass that loads nothing new from memory), the
/// block this many blocks ahead is prefetched, so memory keeps streaming.
/// Measured on the development machine (AVX-512, 1 thread): 1 block ahead
/// gave 30 GB/s against 38 for the fast sum, 4 blocks ahead 33-34.
constexpr std::size_t prefetch_blocks_ahead = 4;

/// Where to prefetch while block [start, start + block) deposits, and how
/// many values there are worth prefetching (0 past the end of the data).
struct PrefetchTarget {
  std::uintptr_t at = 0;
  std::size_t len = 0;
};
inline PrefetchTarget prefetch_target(const double* x, std::size_t n, std::size_t start, std::size_t block) noexcept {
  const std::size_t ahead = start + prefetch_blocks_ahead * block;
  if (ahead >= n) return {};
  return {reinterpret_cast<std::uintptr_t>(x) + ahead * sizeof(double), std::min(block, n - ahead)};
}

/// Deposits one block of len values (padded with zeros to whole vectors)
/// into K grids, prefetching next_len values at byte address next; false
/// (and nothing added) if some value had bits below the last grid or was NaN.
template <int W, int NV, int K>
PARTITA_ALWAYS_INLINE bool add_block(const double* p, std::size_t len, double max, int block_log2,
                                     std::uintptr_t next, std::size_t next_len, ExactSum& acc) noexcept {
  constexpr std::size_t lanes = std::size_t{W} * NV;
  Grids<K> grids;
  if (!grids_for(max, block_log2, grids)) return false;
  Bins<W, NV, K> bins;
  bins.start(grids);
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
  if (!bins.whole()) return false;
  bins.add_to(grids, acc);
  return true;
}

/// After a block that needed five grids, the next this many blocks try five
/// grids first (wide data tends to stay wide), saving the two-grid pass
/// that would fail. Any block may take any path: each is exact.
constexpr std::size_t wide_blocks_to_skip_two = 16;

/// Sum: blocks of 2^11 values. Each block's maximum is taken in a first
/// pass; the deposit pass prefetches a block further ahead, so memory keeps
/// streaming while the deposits compute. Two grids take every bit of values
/// down to 2^-29 of the block's largest; a block with a wider range is
/// retried (from L1) with five grids (2^-152), and only then added value by
/// value.
template <int W, int NV>
PARTITA_ALWAYS_INLINE void add_sum(const double* x, std::size_t n, ExactSum& acc) noexcept {
  constexpr int block_log2 = 11;
  constexpr std::size_t block = std::size_t{1} << block_log2;
  static_assert(block % (std::size_t{W} * NV) == 0 && W * NV % 8 == 0);
  std::size_t wide_run = 0;  // blocks left to try five grids first
  for (std::size_t start = 0; start < n; start += block) {
    const double* p = x + start;
    const std::size_t len = std::min(block, n - start);
    const PrefetchTarget ahead = prefetch_target(x, n, start, block);
    const double max = max_abs<W, NV>(p, len);
    if (wide_run == 0 && add_block<W, NV, 2>(p, len, max, block_log2, ahead.at, ahead.len, acc)) continue;
    if (add_block<W, NV, 5>(p, len, max, block_log2, ahead.at, ahead.len, acc)) {
      wide_run = wide_run > 0 ? wide_run - 1 : wide_blocks_to_skip_two;
      continue;
    }
    wide_run = 0;
    for (std::size_t k = 0; k < len; ++k) acc.add(p[k]);
  }
}

/// Adds the exact product x * y value by value: p, then its rounding error
/// e when p is finite (a NaN or infinite p is added alone).
inline void add_product(double x, double y, ExactSum& acc) noexcept {
  const double p = x * y;
  acc.add(p);
  if (std::isfinite(p)) acc.add(std::fma(x, y, -p));
}

/// Deposits a block's products and errors (len of each, padded with zeros
/// to whole vectors) into K grids per stream; false if either stream has
/// bits below its last grid.
template <int W, int NV, int K>
PARTITA_ALWAYS_INLINE bool add_products(const double* prod, const double* err, std::size_t padded, double prod_max,
                                        double err_max, int block_log2, std::uintptr_t next_x,
                                        std::uintptr_t next_y, std::size_t next_len, ExactSum& acc) noexcept {
  constexpr std::size_t lanes = std::size_t{W} * NV;
  Grids<K> prod_grids;
  Grids<K> err_grids;
  if (!grids_for(prod_max, block_log2, prod_grids) || !grids_for(err_max, block_log2, err_grids)) return false;
  Bins<W, NV, K> prod_bins;
  Bins<W, NV, K> err_bins;
  prod_bins.start(prod_grids);
  err_bins.start(err_grids);
  for (std::size_t i = 0; i < padded; i += lanes) {
    if (i < next_len) {
      prefetch<lanes>(next_x + i * sizeof(double));
      prefetch<lanes>(next_y + i * sizeof(double));
    }
    prod_bins.deposit(prod + i);
    err_bins.deposit(err + i);
  }
  if (!prod_bins.whole() || !err_bins.whole()) return false;  // both whole before either is added
  prod_bins.add_to(prod_grids, acc);
  err_bins.add_to(err_grids, acc);
  return true;
}

/// Dot: blocks of 2^10 pairs. A first pass writes the products p and their
/// errors e = fma(x, y, -p) (two streams, each with its own maximum and
/// grids), a second deposits both, with the same retry as add_sum. Where the
/// target has FMA instructions the first pass vectorises; elsewhere
/// std::fma is a library call (slower, but the same correctly rounded e,
/// so the same result).
template <int W, int NV>
PARTITA_ALWAYS_INLINE void add_dot(const double* x, const double* y, std::size_t n, ExactSum& acc) noexcept {
  constexpr int block_log2 = 10;
  constexpr std::size_t block = std::size_t{1} << block_log2;
  constexpr std::size_t lanes = std::size_t{W} * NV;
  static_assert(block % lanes == 0 && lanes % 8 == 0);
  alignas(64) double prod[block];
  alignas(64) double err[block];
  std::size_t wide_run = 0;  // blocks left to try five grids first
  for (std::size_t start = 0; start < n; start += block) {
    const double* px = x + start;
    const double* py = y + start;
    const std::size_t len = std::min(block, n - start);
    const PrefetchTarget ahead_x = prefetch_target(x, n, start, block);
    const PrefetchTarget ahead_y = prefetch_target(y, n, start, block);
    for (std::size_t i = 0; i < len; ++i) {
      prod[i] = px[i] * py[i];
      err[i] = std::fma(px[i], py[i], -prod[i]);
    }
    // Pad to whole vectors with zeros, which deposit nothing.
    const std::size_t padded = (len + lanes - 1) / lanes * lanes;
    std::fill(prod + len, prod + padded, 0.0);
    std::fill(err + len, err + padded, 0.0);
    const double prod_max = max_abs<W, NV>(prod, padded);
    const double err_max = max_abs<W, NV>(err, padded);
    if (wide_run == 0 && add_products<W, NV, 2>(prod, err, padded, prod_max, err_max, block_log2, ahead_x.at,
                                                ahead_y.at, ahead_x.len, acc)) {
      continue;
    }
    if (add_products<W, NV, 5>(prod, err, padded, prod_max, err_max, block_log2, ahead_x.at, ahead_y.at,
                               ahead_x.len, acc)) {
      wide_run = wide_run > 0 ? wide_run - 1 : wide_blocks_to_skip_two;
      continue;
    }
    wide_run = 0;
    for (std::size_t k = 0; k < len; ++k) add_product(px[k], py[k], acc);
  }
}

}  // namespace partita::kernels::detail::binned

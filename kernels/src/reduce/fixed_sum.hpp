// An exact, order-independent sum of doubles: each term is rounded once to a
// fixed-point grid (a power of two chosen from a bound on the whole sum) and
// added as integers. Integer addition is associative, so any order of terms
// (tiles arriving round a ring, ranks, threads) gives the same bits. The
// idea of fixed-point force accumulation for reproducible molecular dynamics
// comes from AMBER's GPU code (SPFP).
#pragma once

#include <cmath>
#include <cstdint>

namespace partita::kernels::detail {

__extension__ using Int128 = __int128;  // a GCC/Clang extension (-Wpedantic)

/// The grid for sums whose terms add up to at most `bound` in magnitude:
/// steps of 2^(e - 104), where bound < 2^e. Relative to the bound, a term is
/// rounded to 2^-104, far below a double's 2^-53.
struct FixedScale {
  double to_grid = 1.0;    ///< 2^(104 - e)
  double from_grid = 1.0;  ///< 2^(e - 104)

  static FixedScale for_bound(double bound) {
    int e = 0;
    std::frexp(bound, &e);  // bound = f 2^e with f in [0.5, 1); e = 0 for 0
    // Clamped so that both factors stay normal doubles.
    e = e < -900 ? -900 : (e > 900 ? 900 : e);
    return {std::ldexp(1.0, 104 - e), std::ldexp(1.0, e - 104)};
  }
};

/// A sum on a FixedScale grid: value = hi 2^42 + lo, lo kept in [0, 2^42).
/// Every add and merge keeps it exact as long as the sum of the terms'
/// magnitudes stays below the scale's bound (|hi| < 2^62).
struct FixedSum {
  std::int64_t hi = 0;
  std::int64_t lo = 0;
  bool invalid = false;  ///< a term was NaN or off the grid: the value is NaN

  /// Adds term t, given already multiplied by scale.to_grid (|t| < 2^104).
  void add_scaled(double t) noexcept {
    if (!(std::fabs(t) < 0x1p104)) {
      invalid = true;  // converting it to an integer would be undefined
      return;
    }
    // t = h 2^42 + rest: h is t / 2^42 truncated (|h| < 2^62), exact as a
    // double too (a double that large is an integer already, a smaller one
    // has only its fraction cut off), so rest, t's bits below 2^42, comes
    // out of the subtraction exactly.
    const auto h = static_cast<std::int64_t>(t * 0x1p-42);
    const double rest = t - static_cast<double>(h) * 0x1p42;
    // Round rest to an integer, to nearest even: adding 1.5 2^52 pushes the
    // fraction out of a double's 53 bits; subtracting it back is exact.
    constexpr double shift = 0x1.8p52;
    const double rounded = (rest + shift) - shift;
    hi += h;
    lo += static_cast<std::int64_t>(rounded);
    normalise();
  }

  void merge(const FixedSum& other) noexcept {
    hi += other.hi;
    lo += other.lo;
    invalid = invalid || other.invalid;
    normalise();
  }

  /// The sum rounded once to a double (still on the grid: multiply by
  /// scale.from_grid).
  double grid_value() const noexcept {
    if (invalid) return std::nan("");
    return static_cast<double>(static_cast<Int128>(hi) * (Int128{1} << 42) + lo);
  }

 private:
  void normalise() noexcept {
    // Arithmetic shift and mask (C++20 two's complement): lo = q 2^42 + r.
    hi += lo >> 42;
    lo &= (std::int64_t{1} << 42) - 1;
  }
};

}  // namespace partita::kernels::detail

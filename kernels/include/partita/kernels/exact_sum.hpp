// An exact accumulator of doubles (a "superaccumulator"). Not collective,
// no threads, no MPI. Reproducible: it holds the exact sum as a fixed-point
// integer over the whole double range, so neither the order of adding nor of
// merging changes a bit. Serial equivalent: a real-number sum, rounded once.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace partita::kernels {

/// The exact sum of the doubles added to it, rounded once when read.
/// Serial equivalent: the sum of the added values in exact (real-number)
/// arithmetic, then one rounding to the nearest double (ties to even).
/// Trivially copyable (it can travel through map_reduce or MPI as bytes).
class ExactSum {
 public:
  /// Bits of weight each limb covers; limbs are int64, so a limb takes
  /// 2^30 additions of up to 2^32 before carries must be propagated.
  static constexpr int limb_bits = 32;
  /// Limb 0 weighs 2^-1074 (the smallest subnormal); 68 limbs reach 2^1102,
  /// above DBL_MAX x 2^62, so no count of additions can overflow the top.
  static constexpr int limb_count = 68;
  /// limb_count limbs, then NaN, +Inf and -Inf counts, then a term count.
  static constexpr int word_count = limb_count + 4;

  /// Adds x exactly. NaN and infinities are counted apart (see value()).
  void add(double x) noexcept;
  /// Adds everything `other` holds, exactly.
  void add(const ExactSum& other) noexcept;

  /// The exact sum rounded to nearest, ties to even: NaN if a NaN was added
  /// or both +Inf and -Inf were; else +-Inf if an infinity was added or the
  /// exact sum is beyond DBL_MAX's rounding range; else the rounded sum
  /// (+0.0 when it is exactly zero).
  double value() const noexcept;

  /// True when nothing but zeros (of either sign) was added.
  bool is_zero() const noexcept;

  /// Propagates carries so that limbs 0..limb_count-2 lie in [0, 2^32) and
  /// the top limb carries the sign. After it, summing the words() of up to
  /// 2^30 normalised accumulators as int64 (MPI_SUM over MPI_INT64_T) gives
  /// the words of their exact sum.
  void normalize() noexcept;

  /// The state as int64 words, for moving between processes: word-wise
  /// integer addition of normalised states is exact addition of sums.
  std::span<std::int64_t, word_count> words() noexcept { return words_; }
  std::span<const std::int64_t, word_count> words() const noexcept { return words_; }

 private:
  static constexpr int nan_word = limb_count;
  static constexpr int pos_inf_word = limb_count + 1;
  static constexpr int neg_inf_word = limb_count + 2;
  // How many values of magnitude below 2^32 were added into each limb since
  // the last normalize(): carries are propagated before it can reach 2^30.
  static constexpr int terms_word = limb_count + 3;
  static constexpr std::int64_t max_terms = std::int64_t{1} << 30;

  void add_special(double x) noexcept;

  std::array<std::int64_t, word_count> words_{};
};

}  // namespace partita::kernels

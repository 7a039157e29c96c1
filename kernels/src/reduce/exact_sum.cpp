#include "partita/kernels/exact_sum.hpp"

#include <bit>
#include <cmath>
#include <limits>

namespace partita::kernels {

namespace {

constexpr std::uint64_t low32 = 0xffffffffu;
constexpr std::uint64_t fraction_mask = (std::uint64_t{1} << 52) - 1;

}  // namespace

void ExactSum::add(double x) noexcept {
  const auto bits = std::bit_cast<std::uint64_t>(x);
  const auto biased = static_cast<int>((bits >> 52) & 0x7ff);
  if (biased == 0x7ff) {
    add_special(x);
    return;
  }
  // x = m x 2^(p - 1074) with m < 2^53: subnormals have p = 0 and no hidden
  // bit, normals p = biased - 1.
  const std::uint64_t m = (bits & fraction_mask) | (biased != 0 ? std::uint64_t{1} << 52 : 0);
  const int p = biased != 0 ? biased - 1 : 0;
  const int limb = p / limb_bits;
  const int shift = p % limb_bits;
  // m << shift spans at most 85 bits: three 32-bit pieces.
  const std::uint64_t low = m << shift;
  const std::uint64_t high = shift != 0 ? m >> (64 - shift) : 0;
  const auto c0 = static_cast<std::int64_t>(low & low32);
  const auto c1 = static_cast<std::int64_t>(low >> 32);
  const auto c2 = static_cast<std::int64_t>(high);
  if ((bits >> 63) != 0) {
    words_[limb] -= c0;
    words_[limb + 1] -= c1;
    words_[limb + 2] -= c2;
  } else {
    words_[limb] += c0;
    words_[limb + 1] += c1;
    words_[limb + 2] += c2;
  }
  if (++words_[terms_word] >= max_terms) normalize();
}

void ExactSum::add_special(double x) noexcept {
  if (std::isnan(x)) {
    ++words_[nan_word];
  } else {
    ++words_[x > 0 ? pos_inf_word : neg_inf_word];
  }
}

void ExactSum::add(const ExactSum& other) noexcept {
  if (words_[terms_word] + other.words_[terms_word] >= max_terms) {
    normalize();
    if (other.words_[terms_word] >= max_terms / 2) {
      ExactSum copy = other;
      copy.normalize();
      add(copy);
      return;
    }
  }
  for (int i = 0; i < word_count; ++i) words_[i] += other.words_[i];
}

void ExactSum::normalize() noexcept {
  for (int i = 0; i + 1 < limb_count; ++i) {
    // C++20 defines >> on negative values as arithmetic: floor division.
    const std::int64_t carry = words_[i] >> limb_bits;
    words_[i] &= static_cast<std::int64_t>(low32);
    words_[i + 1] += carry;
  }
  words_[terms_word] = 1;
}

bool ExactSum::is_zero() const noexcept {
  ExactSum copy = *this;
  copy.normalize();
  for (int i = 0; i < terms_word; ++i) {
    if (copy.words_[i] != 0) return false;
  }
  return true;
}

double ExactSum::value() const noexcept {
  const bool pos_inf = words_[pos_inf_word] != 0;
  const bool neg_inf = words_[neg_inf_word] != 0;
  if (words_[nan_word] != 0 || (pos_inf && neg_inf)) return std::numeric_limits<double>::quiet_NaN();
  if (pos_inf) return std::numeric_limits<double>::infinity();
  if (neg_inf) return -std::numeric_limits<double>::infinity();

  ExactSum s = *this;
  s.normalize();
  const bool negative = s.words_[limb_count - 1] < 0;
  if (negative) {
    // Two's complement negation limb by limb, then carries again: every
    // limb ends in [0, 2^32) and the top one non-negative.
    for (int i = 0; i < limb_count; ++i) s.words_[i] = -s.words_[i];
    s.normalize();
  }
  const auto limb = [&s](int i) { return i >= 0 && i < limb_count ? static_cast<std::uint64_t>(s.words_[i]) : 0; };
  int top = limb_count - 1;
  while (top >= 0 && s.words_[top] == 0) --top;
  if (top < 0) return 0.0;

  // Index of the highest set bit, counted from 2^-1074.
  const int high_bit = top * limb_bits + std::bit_width(limb(top)) - 1;
  double magnitude = 0.0;
  if (high_bit < 53) {
    // Below 2^-1021: exact in a double (subnormal or the lowest binades).
    magnitude = std::ldexp(static_cast<double>((limb(1) << 32) | limb(0)), -1074);
  } else {
    // The 64 bits from high_bit down, and whether anything below is set.
    const int low_bit = high_bit - 63;
    std::uint64_t bits64 = 0;
    bool sticky = false;
    if (low_bit <= 0) {
      bits64 = ((limb(1) << 32) | limb(0)) << -low_bit;
    } else {
      const int first = low_bit / limb_bits;
      const int shift = low_bit % limb_bits;
      bits64 = (limb(first) >> shift) | (limb(first + 1) << (limb_bits - shift));
      if (shift != 0) bits64 |= limb(first + 2) << (2 * limb_bits - shift);
      sticky = (limb(first) & ((std::uint64_t{1} << shift) - 1)) != 0;
      for (int i = 0; i < first && !sticky; ++i) sticky = limb(i) != 0;
    }
    // Keep 53 bits; round to nearest, ties to even, with the sticky bit.
    std::uint64_t kept = bits64 >> 11;
    const std::uint64_t rest = bits64 & 0x7ff;
    constexpr std::uint64_t half = 0x400;
    if (rest > half || (rest == half && (sticky || (kept & 1) != 0))) ++kept;
    // kept may have carried to 2^53: still exact as a double.
    magnitude = std::ldexp(static_cast<double>(kept), high_bit - 52 - 1074);
  }
  return negative ? -magnitude : magnitude;
}

}  // namespace partita::kernels

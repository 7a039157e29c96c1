// Counter-based random numbers: Philox4x32-10 (Random123) keyed by the job
// seed, with the counter holding (task id, stream, block). A task's numbers
// depend only on (seed, task id, stream), never on the rank or thread that
// runs it, so results are reproducible for any parallel layout.
#pragma once

#include <Random123/philox.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>

namespace partita {

/// One random stream. Not collective, no MPI; an instance is not shared
/// between threads (make one per task: construction is a few stores).
class Rng {
 public:
  using Block = std::array<std::uint32_t, 4>;

  /// The stream for (seed, task_id, stream). Each stream yields 2^32 Philox
  /// blocks (2^34 words, 2^33 doubles) before its counter repeats.
  Rng(std::uint64_t seed, std::uint64_t task_id, std::uint32_t stream = 0) noexcept
      : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}},
        stream_(stream),
        id_lo_(static_cast<std::uint32_t>(task_id)),
        id_hi_(static_cast<std::uint32_t>(task_id >> 32)) {}

  /// The next 32 random bits.
  std::uint32_t next_u32() noexcept {
    if (pos_ == 4) refill();
    return words_[pos_++];
  }

  /// Uniform in [0, 1) with 53 random bits, from the next two words of the
  /// current block (a lone last word is skipped so a double never spans two
  /// blocks).
  double uniform() noexcept {
    if (pos_ > 2) refill();
    const std::uint64_t hi = words_[pos_];
    const std::uint64_t lo = words_[pos_ + 1];
    pos_ += 2;
    return static_cast<double>(((hi << 32) | lo) >> 11) * 0x1.0p-53;
  }

  /// Uniform in [lower, upper).
  double uniform(double lower, double upper) noexcept { return lower + (upper - lower) * uniform(); }

  /// Standard normal by Box-Muller, written here rather than taken from
  /// std::normal_distribution, whose algorithm differs between libraries.
  double normal() noexcept {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = 1.0 - uniform();  // (0, 1]: log stays finite
    const double u2 = uniform();
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double angle = 2.0 * std::numbers::pi * u2;
    spare_ = radius * std::sin(angle);
    has_spare_ = true;
    return radius * std::cos(angle);
  }

  /// Raw Philox4x32-10 of one counter and key; pins the generator in tests.
  static Block philox(const Block& counter, std::uint64_t key) noexcept {
    r123::Philox4x32::ctr_type c{{counter[0], counter[1], counter[2], counter[3]}};
    r123::Philox4x32::key_type k{{static_cast<std::uint32_t>(key), static_cast<std::uint32_t>(key >> 32)}};
    const auto out = r123::Philox4x32()(c, k);
    return {out[0], out[1], out[2], out[3]};
  }

 private:
  void refill() noexcept {
    const r123::Philox4x32::ctr_type counter{{block_++, stream_, id_lo_, id_hi_}};
    const auto out = r123::Philox4x32()(counter, key_);
    for (int i = 0; i < 4; ++i) words_[i] = out[i];
    pos_ = 0;
  }

  r123::Philox4x32::key_type key_;
  std::uint32_t stream_;
  std::uint32_t id_lo_;
  std::uint32_t id_hi_;
  std::uint32_t block_ = 0;
  std::uint32_t words_[4] = {};
  int pos_ = 4;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

}  // namespace partita

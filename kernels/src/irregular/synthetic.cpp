#include "partita/kernels/synthetic.hpp"

#include <cmath>

#include "partita/error.hpp"

namespace partita::kernels::synthetic {

// iterations_per_us (header) was measured once, on the development machine
// (2-core AMD EPYC, family 26 / Zen 5, KVM guest, g++ 12 -O3), by timing
// spin() over 10^9 iterations seven times: 1.49 to 1.61 ns per iteration,
// median 1.56 ns, so 640 per microsecond (the loop's dependency chain is
// imul + lea + shr + xor, about 6 cycles at ~4 GHz). It is a constant
// on purpose: calibrating at run time would make iteration counts and
// checksums depend on timing. On other machines a cost is off by their speed
// ratio, but the same for every task, so the imbalance it models is exact.

Distribution parse_distribution(const std::string& name) {
  if (name == "constant") return Distribution::constant;
  if (name == "uniform") return Distribution::uniform;
  if (name == "exponential") return Distribution::exponential;
  if (name == "pareto") return Distribution::pareto;
  throw InvalidArgument("unknown cost distribution '" + name +
                        "': use constant, uniform, exponential or pareto");
}

double task_cost_us(Distribution distribution, double mean_us, double alpha, Rng& rng) {
  if (!std::isfinite(mean_us) || mean_us < 0.0) {
    throw InvalidArgument("mean_us = " + std::to_string(mean_us) + ": must be finite and >= 0");
  }
  switch (distribution) {
    case Distribution::constant:
      return mean_us;
    case Distribution::uniform:
      return 2.0 * mean_us * rng.uniform();
    case Distribution::exponential:
      // 1 - u lies in (0, 1], so the log stays finite.
      return -mean_us * std::log(1.0 - rng.uniform());
    case Distribution::pareto: {
      if (!std::isfinite(alpha) || !(alpha > 1.0)) {
        throw InvalidArgument("alpha = " + std::to_string(alpha) +
                              ": a Pareto cost needs alpha > 1, or its mean is infinite");
      }
      // Inverse CDF, with the scale that puts the mean at mean_us.
      const double scale = mean_us * (alpha - 1.0) / alpha;
      return scale * std::pow(1.0 - rng.uniform(), -1.0 / alpha);
    }
  }
  throw InvalidArgument("unknown cost distribution");
}

std::uint64_t iterations_for(double cost_us) {
  if (std::isnan(cost_us) || cost_us < 0.0) {
    throw InvalidArgument("cost_us = " + std::to_string(cost_us) + ": must be >= 0");
  }
  constexpr double max_iterations = 0x1.0p62;
  const double iterations = std::round(cost_us * iterations_per_us);
  return iterations >= max_iterations ? static_cast<std::uint64_t>(max_iterations)
                                      : static_cast<std::uint64_t>(iterations);
}

std::uint32_t spin(std::uint64_t iterations) {
  // A 64-bit LCG step then an xor-shift: the multiply's latency bounds the
  // speed, and the xor-shift stops the compiler from summing the LCG in
  // closed form.
  std::uint64_t x = 0x9E3779B97F4A7C15u;
  for (std::uint64_t i = 0; i < iterations; ++i) {
    x = x * 6364136223846793005u + 1442695040888963407u;
    x ^= x >> 29;
  }
  return static_cast<std::uint32_t>(x >> 32);
}

Burn burn(double cost_us) {
  const std::uint64_t iterations = iterations_for(cost_us);
  return {iterations, spin(iterations)};
}

}  // namespace partita::kernels::synthetic

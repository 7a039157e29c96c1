#include "partita/kernels/monte_carlo.hpp"

#include <string>

#include "partita/error.hpp"

namespace partita::kernels::monte_carlo {

Estimate pi(std::uint64_t samples, Rng& rng) {
  if (samples == 0) throw InvalidArgument("pi needs samples >= 1");
  std::uint64_t inside = 0;
  for (std::uint64_t i = 0; i < samples; ++i) {
    const double x = rng.uniform();
    const double y = rng.uniform();
    inside += (x * x + y * y < 1.0) ? 1 : 0;
  }
  const double n = static_cast<double>(samples);
  const double p = static_cast<double>(inside) / n;
  return {4.0 * p, 4.0 * std::sqrt(p * (1.0 - p) / n), samples};
}

void validate(const Box& box) {
  if (box.lower.empty() || box.lower.size() != box.upper.size()) {
    throw InvalidArgument("box corners must have the same non-zero dimension (lower has " +
                          std::to_string(box.lower.size()) + ", upper " +
                          std::to_string(box.upper.size()) + ")");
  }
  for (std::size_t d = 0; d < box.dim(); ++d) {
    if (!(box.lower[d] < box.upper[d])) {
      throw InvalidArgument("box dimension " + std::to_string(d) + ": lower " +
                            std::to_string(box.lower[d]) + " must be < upper " +
                            std::to_string(box.upper[d]));
    }
  }
}

}  // namespace partita::kernels::monte_carlo

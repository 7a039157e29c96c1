// Monte Carlo estimators: pi from points in the unit square, and the
// integral of a function over a box with its standard error. Plain C++: no
// MPI, no threads; a result depends only on the Rng stream it is given, so
// Rng(seed, task_id) makes it a pure function of (seed, task id).
#pragma once

#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "partita/error.hpp"
#include "partita/rng.hpp"

namespace partita::kernels::monte_carlo {

/// An estimate with its standard error (one standard deviation of the mean).
struct Estimate {
  double value = 0.0;
  double std_error = 0.0;
  std::uint64_t samples = 0;
};

/// Estimates pi as 4 x (fraction of `samples` uniform points of the unit
/// square inside the quarter disc). Not collective. Throws
/// partita::InvalidArgument if samples == 0.
/// Serial equivalent of the whole kernel: it is serial.
Estimate pi(std::uint64_t samples, Rng& rng);

/// An axis-aligned box, lower[i] < upper[i] in every dimension.
struct Box {
  std::vector<double> lower;
  std::vector<double> upper;

  std::size_t dim() const noexcept { return lower.size(); }
  double volume() const noexcept {
    double v = 1.0;
    for (std::size_t i = 0; i < dim(); ++i) v *= upper[i] - lower[i];
    return v;
  }
};

/// Checks a box: same non-zero dimension in both corners, lower < upper.
void validate(const Box& box);

/// Estimates the integral of f over box from `samples` uniform points:
/// volume x mean(f), with standard error volume x sd(f) / sqrt(samples).
/// f is called as f(std::span<const double> x) -> double. Not collective.
/// Throws partita::InvalidArgument for an invalid box or samples < 2.
template <class F>
Estimate integrate(F&& f, const Box& box, std::uint64_t samples, Rng& rng) {
  validate(box);
  if (samples < 2) throw InvalidArgument("integrate needs samples >= 2 for a standard error");
  std::vector<double> x(box.dim());
  // Welford's update: one pass, no cancellation in the variance.
  double mean = 0.0;
  double m2 = 0.0;
  for (std::uint64_t i = 0; i < samples; ++i) {
    for (std::size_t d = 0; d < x.size(); ++d) x[d] = rng.uniform(box.lower[d], box.upper[d]);
    const double y = f(std::span<const double>(x));
    const double delta = y - mean;
    mean += delta / static_cast<double>(i + 1);
    m2 += delta * (y - mean);
  }
  const double n = static_cast<double>(samples);
  const double volume = box.volume();
  return {volume * mean, volume * std::sqrt(m2 / (n - 1.0) / n), samples};
}

}  // namespace partita::kernels::monte_carlo

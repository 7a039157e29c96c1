// Batch means: a confidence interval for the mean of a Monte Carlo run whose
// samples may be correlated (a Markov chain, a time series), where the plain
// standard error sd / sqrt(n) is too small. The samples are cut into
// consecutive batches; the spread of the batch means gives the standard
// error, and Student's t with batches - 1 degrees of freedom the interval.
// Not collective, no threads: a result depends only on the samples, in order.
// Serial equivalent: it is serial.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "partita/error.hpp"
#include "partita/kernels/monte_carlo.hpp"
#include "partita/rng.hpp"

namespace partita::kernels::monte_carlo {

struct Interval {
  double low = 0.0;
  double high = 0.0;
  double confidence = 0.0;  ///< e.g. 0.95
};

/// A mean with both standard errors and the batch-means interval.
struct BatchEstimate {
  double value = 0.0;            ///< the mean of all samples
  double std_error = 0.0;        ///< sd / sqrt(n): right for independent samples
  double batch_std_error = 0.0;  ///< from the batch means: right for correlated ones too
  Interval ci;                   ///< value -+ t x batch_std_error
  std::uint64_t samples = 0;
  std::uint64_t batches = 0;
};

/// Student's t quantile: P(T <= t) = p with `dof` degrees of freedom (> 0),
/// to about 1e-12 relative. Throws partita::InvalidArgument outside 0 < p < 1.
double student_t_quantile(double p, double dof);

/// Accumulates samples one by one into `batches` consecutive batches of
/// (nearly) equal size: with n samples, batch k gets n / batches samples,
/// the first n % batches batches one more.
class BatchMeans {
 public:
  /// Throws partita::InvalidArgument unless 2 <= batches <= samples.
  BatchMeans(std::uint64_t samples, std::uint64_t batches);
  /// The next sample, in order; at most `samples` of them.
  void add(double x);
  /// Once every sample was added; throws partita::InvalidArgument before. `confidence` in (0, 1).
  BatchEstimate result(double confidence = 0.95) const;

 private:
  std::uint64_t samples_;
  std::uint64_t added_ = 0;
  double mean_ = 0.0, m2_ = 0.0;  // Welford over all samples
  std::vector<double> batch_sum_;
  std::vector<std::uint64_t> batch_size_;
  std::uint64_t batch_ = 0;       // the batch being filled
};

/// The integral of f over `box` from `samples` uniform points, as
/// integrate() draws them, with the batch-means interval. Throws
/// partita::InvalidArgument for an invalid box or unless 2 <= batches <= samples.
template <class F>
BatchEstimate integrate_with_interval(F&& f, const Box& box, std::uint64_t samples, Rng& rng,
                                      std::uint64_t batches = 32, double confidence = 0.95) {
  validate(box);
  BatchMeans means(samples, batches);
  std::vector<double> x(box.dim());
  for (std::uint64_t i = 0; i < samples; ++i) {
    for (std::size_t d = 0; d < x.size(); ++d) x[d] = rng.uniform(box.lower[d], box.upper[d]);
    means.add(f(std::span<const double>(x)));
  }
  BatchEstimate e = means.result(confidence);
  const double volume = box.volume();
  e.value *= volume;
  e.std_error *= volume;
  e.batch_std_error *= volume;
  e.ci.low *= volume;
  e.ci.high *= volume;
  return e;
}

}  // namespace partita::kernels::monte_carlo

#include "partita/kernels/batch_means.hpp"

#include <string>

#include "partita/error.hpp"

namespace partita::kernels::monte_carlo {

namespace {

// The continued fraction of the regularised incomplete beta function
// (modified Lentz), converging fast for x < (a + 1) / (a + b + 2).
double beta_fraction(double a, double b, double x) {
  constexpr double tiny = 1e-300;
  double c = 1.0;
  double d = 1.0 - (a + b) * x / (a + 1.0);
  d = 1.0 / (std::abs(d) < tiny ? tiny : d);
  double h = d;
  for (int m = 1; m <= 300; ++m) {
    const double m2 = 2.0 * m;
    for (const double coefficient : {m * (b - m) * x / ((a + m2 - 1.0) * (a + m2)),
                                     -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0))}) {
      d = 1.0 + coefficient * d;
      d = 1.0 / (std::abs(d) < tiny ? tiny : d);
      c = 1.0 + coefficient / c;
      if (std::abs(c) < tiny) c = tiny;
      h *= d * c;
    }
    if (std::abs(d * c - 1.0) < 1e-15) break;
  }
  return h;
}

// I_x(a, b), the regularised incomplete beta function.
double incomplete_beta(double a, double b, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double front =
      std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_fraction(a, b, x) / a;
  return 1.0 - front * beta_fraction(b, a, 1.0 - x) / b;
}

// P(T <= t) for Student's t with `dof` degrees of freedom.
double student_t_cdf(double t, double dof) {
  const double tail = 0.5 * incomplete_beta(0.5 * dof, 0.5, dof / (dof + t * t));
  return t >= 0.0 ? 1.0 - tail : tail;
}

}  // namespace

double student_t_quantile(double p, double dof) {
  if (!(p > 0.0 && p < 1.0)) throw InvalidArgument("student_t_quantile: p must be in (0, 1)");
  if (!(dof > 0.0)) throw InvalidArgument("student_t_quantile: dof must be > 0");
  if (p == 0.5) return 0.0;
  if (p < 0.5) return -student_t_quantile(1.0 - p, dof);
  // Bracket, then bisect on the CDF, then polish with Newton's method.
  double low = 0.0, high = 1.0;
  while (student_t_cdf(high, dof) < p) high *= 2.0;
  for (int i = 0; i < 200 && high - low > 1e-13 * high; ++i) {
    const double mid = 0.5 * (low + high);
    (student_t_cdf(mid, dof) < p ? low : high) = mid;
  }
  return 0.5 * (low + high);
}

BatchMeans::BatchMeans(std::uint64_t samples, std::uint64_t batches)
    : samples_(samples), batch_sum_(batches, 0.0), batch_size_(batches, 0) {
  if (batches < 2 || batches > samples) {
    throw InvalidArgument("batch means need 2 <= batches <= samples (batches " + std::to_string(batches) +
                          ", samples " + std::to_string(samples) + ")");
  }
}

void BatchMeans::add(double x) {
  if (added_ == samples_) throw InvalidArgument("BatchMeans: more samples than announced");
  const std::uint64_t batches = batch_sum_.size();
  const std::uint64_t capacity = samples_ / batches + (batch_ < samples_ % batches ? 1 : 0);
  if (batch_size_[batch_] == capacity) ++batch_;
  batch_sum_[batch_] += x;
  ++batch_size_[batch_];
  ++added_;
  const double delta = x - mean_;
  mean_ += delta / static_cast<double>(added_);
  m2_ += delta * (x - mean_);
}

BatchEstimate BatchMeans::result(double confidence) const {
  if (added_ != samples_) throw InvalidArgument("BatchMeans: result() before every sample was added");
  if (!(confidence > 0.0 && confidence < 1.0)) throw InvalidArgument("confidence must be in (0, 1)");
  const double n = static_cast<double>(samples_);
  const double b = static_cast<double>(batch_sum_.size());
  // Var(mean) ~ sum_k n_k (mean_k - mean)^2 / ((b - 1) n): s_b^2 / b for equal batches.
  double spread = 0.0;
  for (std::size_t k = 0; k < batch_sum_.size(); ++k) {
    const double size = static_cast<double>(batch_size_[k]);
    const double deviation = batch_sum_[k] / size - mean_;
    spread += size * deviation * deviation;
  }
  BatchEstimate e;
  e.value = mean_;
  e.std_error = samples_ > 1 ? std::sqrt(m2_ / (n - 1.0) / n) : 0.0;
  e.batch_std_error = std::sqrt(spread / ((b - 1.0) * n));
  const double t = student_t_quantile(0.5 * (1.0 + confidence), b - 1.0);
  e.ci = {mean_ - t * e.batch_std_error, mean_ + t * e.batch_std_error, confidence};
  e.samples = samples_;
  e.batches = batch_sum_.size();
  return e;
}

}  // namespace partita::kernels::monte_carlo

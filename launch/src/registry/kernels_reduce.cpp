// The reduction kernels as the launcher runs them: dot (exact against naive
// summation on vectors drawn per task) and histogram (samples drawn per
// task). A task's vector is all its own, so each runs the kernels'
// non-collective overloads (the MPI_COMM_SELF case, with no MPI calls:
// tasks run on worker threads, which must not call MPI) with the task's
// OpenMP threads (threads_per_task).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "registry/kernel_registry.hpp"
#include "partita/kernels/histogram.hpp"
#include "partita/kernels/reduce.hpp"

namespace partita::launch {

namespace reduce = partita::kernels::reduce;
namespace hist = partita::kernels::histogram;

namespace {

// A task's vectors x and y of n values.
//   uniform:    x, y uniform on [-1, 1)
//   wide:       normal draws times 2^k, k uniform in [-100, 100): the order
//               of naive additions matters
//   cancelling: pairs (a, b) and (-a, b), |a| up to 2^60, shuffled: the exact
//               sum and dot are 0 (plus the last x when n is odd, uniform)
std::pair<std::vector<double>, std::vector<double>> draw_vectors(const std::string& distribution, std::size_t n,
                                                                   Rng& rng) {
  std::vector<double> x(n);
  std::vector<double> y(n);
  const auto scaled_normal = [&rng](int lowest, unsigned spread) {
    return std::ldexp(rng.normal(), lowest + static_cast<int>(rng.next_u32() % spread));
  };
  if (distribution == "uniform") {
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = rng.uniform(-1.0, 1.0);
      y[i] = rng.uniform(-1.0, 1.0);
    }
  } else if (distribution == "wide") {
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = scaled_normal(-100, 200);
      y[i] = scaled_normal(-100, 200);
    }
  } else {  // cancelling
    for (std::size_t i = 0; i + 1 < n; i += 2) {
      x[i] = scaled_normal(0, 60);
      x[i + 1] = -x[i];
      y[i] = y[i + 1] = scaled_normal(0, 60);
    }
    if (n % 2 == 1) {
      x[n - 1] = rng.uniform(-1.0, 1.0);
      y[n - 1] = 1.0;
    }
    for (std::size_t i = n; i > 1; --i) {  // Fisher-Yates, the same swaps for x and y
      const std::size_t j = rng.next_u32() % i;
      std::swap(x[i - 1], x[j]);
      std::swap(y[i - 1], y[j]);
    }
  }
  return {std::move(x), std::move(y)};
}

KernelInfo dot_kernel() {
  KernelInfo k;
  k.name = "dot";
  k.doc = "Sum and dot product of vectors drawn per task: reproducible exact result against a naive loop.";
  k.params = {
      {"n", ParamType::integer, std::int64_t{100000}, 1, 1e7, {}, "values per vector (two vectors per task)"},
      {"distribution", ParamType::choice, std::string("uniform"), 0, 0, {"uniform", "wide", "cancelling"},
       "uniform: on [-1, 1); wide: normal x 2^k, k in [-100, 100); cancelling: pairs (a, b), (-a, b) with "
       "|a| up to 2^60, so the exact sum and dot are 0 (n even)"},
  };
  k.outputs = {{"sum_exact", "sum of x, exactly rounded (partita::kernels::reduce::sum)"},
               {"sum_naive", "sum of x by a left-to-right loop"},
               {"sum_error", "sum_naive - sum_exact"},
               {"dot_exact", "x . y, exactly rounded (reduce::dot)"},
               {"dot_naive", "x . y by a left-to-right loop"},
               {"dot_error", "dot_naive - dot_exact"}};
  k.cost_hint = [](const ParamSet& p, Rng&) { return static_cast<double>(p.integer("n")); };
  k.evaluate = [](const ParamSet& p, Rng& rng, std::span<double> out) {
    const auto [x, y] = draw_vectors(p.text("distribution"), static_cast<std::size_t>(p.integer("n")), rng);
    // The naive loops are serial so that results.csv stays the same for
    // any threads_per_task; the exact ones are reproducible anyway.
    double sum_naive = 0.0;
    double dot_naive = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      sum_naive += x[i];
      dot_naive += x[i] * y[i];
    }
    const double sum_exact = reduce::sum(x);
    const double dot_exact = reduce::dot(x, y);
    out[0] = sum_exact;
    out[1] = sum_naive;
    out[2] = sum_naive - sum_exact;
    out[3] = dot_exact;
    out[4] = dot_naive;
    out[5] = dot_naive - dot_exact;
  };
  return k;
}

KernelInfo histogram_kernel() {
  KernelInfo k;
  k.name = "histogram";
  k.doc = "Histogram of samples drawn per task over [lower, upper) in equal bins (partita::kernels::histogram).";
  k.params = {
      {"samples", ParamType::integer, std::int64_t{1000000}, 1, 1e9, {}, "values drawn per task"},
      {"bins", ParamType::integer, std::int64_t{100}, 1, 1e6, {}, "equal-width bins over [lower, upper)"},
      {"lower", ParamType::real, -4.0, -1e6, 1e6, {}, "lower edge of the first bin"},
      {"upper", ParamType::real, 4.0, -1e6, 1e6, {}, "upper edge of the last bin (excluded)"},
      {"distribution", ParamType::choice, std::string("normal"), 0, 0, {"normal", "uniform"},
       "normal: standard normal; uniform: on [0, 1)"},
  };
  k.outputs = {{"in_range", "samples in [lower, upper)", OutputType::integer},
               {"underflow", "samples below lower", OutputType::integer},
               {"overflow", "samples at or above upper", OutputType::integer},
               {"mean_bin", "mean bin index of the samples in range; 0 if none"},
               {"checksum", "sum over bins of (index + 1) x count"}};
  k.check = [](const ParamSet& p) -> std::string {
    if (!(p.real("lower") < p.real("upper"))) return "lower must be < upper";
    return {};
  };
  k.cost_hint = [](const ParamSet& p, Rng&) { return static_cast<double>(p.integer("samples")); };
  k.evaluate = [](const ParamSet& p, Rng& rng, std::span<double> out) {
    const hist::Layout layout{p.real("lower"), p.real("upper"), static_cast<std::size_t>(p.integer("bins"))};
    const bool normal = p.text("distribution") == "normal";
    // Drawn and counted a chunk at a time, so memory stays small for any
    // number of samples; counts are integers, so chunking changes nothing.
    constexpr std::uint64_t chunk = std::uint64_t{1} << 20;
    const auto samples = static_cast<std::uint64_t>(p.integer("samples"));
    std::vector<double> values;
    hist::Histogram total;
    total.layout = layout;
    total.counts.assign(layout.bins, 0);
    for (std::uint64_t done = 0; done < samples; done += chunk) {
      values.resize(static_cast<std::size_t>(std::min(chunk, samples - done)));
      for (double& v : values) v = normal ? rng.normal() : rng.uniform();
      const hist::Histogram h = hist::count(values, layout);
      for (std::size_t b = 0; b < layout.bins; ++b) total.counts[b] += h.counts[b];
      total.underflow += h.underflow;
      total.overflow += h.overflow;
    }
    double weighted = 0.0;
    double checksum = 0.0;
    for (std::size_t b = 0; b < layout.bins; ++b) {
      weighted += static_cast<double>(b) * static_cast<double>(total.counts[b]);
      checksum += static_cast<double>(b + 1) * static_cast<double>(total.counts[b]);
    }
    const double in_range = static_cast<double>(total.in_range());
    out[0] = in_range;
    out[1] = static_cast<double>(total.underflow);
    out[2] = static_cast<double>(total.overflow);
    out[3] = in_range > 0.0 ? weighted / in_range : 0.0;
    out[4] = checksum;
  };
  return k;
}

}  // namespace

void register_reduce_kernels(KernelRegistry& registry) {
  registry.add(dot_kernel());
  registry.add(histogram_kernel());
}

}  // namespace partita::launch

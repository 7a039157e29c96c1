#include "partita/kernels/histogram.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>

#include "thread_split.hpp"
#include "partita/error.hpp"

namespace partita::kernels::histogram {

namespace {

// A thread's private counters: the bins, then underflow, overflow and NaN,
// padded to whole cache lines so that no two threads share one.
constexpr std::size_t extra_counters = 3;
constexpr std::size_t counters_per_line = 64 / sizeof(std::uint64_t);

std::size_t stride_for(std::size_t bins) {
  const std::size_t n = bins + extra_counters;
  return (n + counters_per_line - 1) / counters_per_line * counters_per_line;
}

// A thread should have at least this many values, and at least as many as
// it has bins to clear and merge, or it costs more than it saves.
constexpr std::size_t min_values_per_thread = 16384;

// bin_of's arithmetic, with the scale computed once per loop, not per value.
double scale_of(const Layout& layout) { return static_cast<double>(layout.bins) / (layout.upper - layout.lower); }
std::size_t bin_index(double v, double lower, double scale, std::size_t last) {
  return std::min(static_cast<std::size_t>((v - lower) * scale), last);
}

void count_range(std::span<const double> x, const Layout& layout, std::uint64_t* counters) {
  const double lower = layout.lower;
  const double upper = layout.upper;
  const double scale = scale_of(layout);
  const std::size_t bins = layout.bins;
  std::uint64_t underflow = 0;
  std::uint64_t overflow = 0;
  std::uint64_t nan = 0;
  for (const double v : x) {
    if (v >= lower && v < upper) {
      ++counters[bin_index(v, lower, scale, bins - 1)];
    } else if (v < lower) {
      ++underflow;
    } else if (v >= upper) {
      ++overflow;
    } else {
      ++nan;
    }
  }
  counters[bins] += underflow;
  counters[bins + 1] += overflow;
  counters[bins + 2] += nan;
}

// Counters (bins, underflow, overflow, NaN) of this rank's values.
std::vector<std::uint64_t> local_counters(std::span<const double> x, const Layout& layout, int requested) {
  const std::size_t stride = stride_for(layout.bins);
  const int threads =
      detail::threads_for(requested, x.size(), std::max(min_values_per_thread, layout.bins));
  if (threads == 1) {
    std::vector<std::uint64_t> counters(stride, 0);
    count_range(x, layout, counters.data());
    counters.resize(layout.bins + extra_counters);
    return counters;
  }
  std::vector<std::uint64_t> per_thread(stride * static_cast<std::size_t>(threads), 0);
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num();
    const auto range = detail::thread_range(x.size(), t, omp_get_num_threads());
    count_range(x.subspan(range.first, range.last - range.first), layout,
                per_thread.data() + stride * static_cast<std::size_t>(t));
  }
  // Merged after the region, in thread order (integers: any order is exact).
  std::vector<std::uint64_t> counters(layout.bins + extra_counters, 0);
  for (int t = 0; t < threads; ++t) {
    const std::uint64_t* mine = per_thread.data() + stride * static_cast<std::size_t>(t);
    for (std::size_t i = 0; i < counters.size(); ++i) counters[i] += mine[i];
  }
  return counters;
}

Histogram from_counters(const Layout& layout, const std::vector<std::uint64_t>& counters) {
  Histogram h;
  h.layout = layout;
  h.counts.assign(counters.begin(), counters.begin() + static_cast<std::ptrdiff_t>(layout.bins));
  h.underflow = counters[layout.bins];
  h.overflow = counters[layout.bins + 1];
  h.nan = counters[layout.bins + 2];
  return h;
}

}  // namespace

void validate(const Layout& layout) {
  const auto text = [](double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.17g", v);
    return std::string(buffer);
  };
  if (!std::isfinite(layout.lower) || !std::isfinite(layout.upper) || !(layout.lower < layout.upper) ||
      !std::isfinite(layout.upper - layout.lower)) {
    std::string message = "histogram: lower = ";
    message += text(layout.lower);
    message += ", upper = ";
    message += text(layout.upper);
    message += ": need finite lower < upper with a finite upper - lower";
    throw InvalidArgument(message);
  }
  if (layout.bins == 0) throw InvalidArgument("histogram: bins = 0: must be >= 1");
}

std::size_t bin_of(double v, const Layout& layout) noexcept {
  return bin_index(v, layout.lower, scale_of(layout), layout.bins - 1);
}

std::uint64_t Histogram::in_range() const noexcept {
  return std::accumulate(counts.begin(), counts.end(), std::uint64_t{0});
}

std::uint64_t Histogram::total() const noexcept { return in_range() + underflow + overflow + nan; }

Histogram count(std::span<const double> x, const Layout& layout, int threads) {
  validate(layout);
  return from_counters(layout, local_counters(x, layout, threads));
}

Histogram count(const Context& ctx, std::span<const double> local, const Layout& layout) {
  validate(layout);  // the same layout on every rank: all throw or none
  std::vector<std::uint64_t> counters = local_counters(local, layout, ctx.threads());
  MPI_Allreduce(MPI_IN_PLACE, counters.data(), static_cast<int>(counters.size()), MPI_UINT64_T, MPI_SUM,
                ctx.comm());
  return from_counters(layout, counters);
}

}  // namespace partita::kernels::histogram

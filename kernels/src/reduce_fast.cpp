// The fast reductions: what a user writes by hand with OpenMP and MPI, and
// the baseline that bench/reduce_bench.cpp measures the reproducible ones
// against. The grouping of additions follows the vector width, the thread
// count and MPI's reduction tree, so results are not reproducible.
#include <cmath>
#include <stdexcept>
#include <string>

#include "partita/kernels/reduce.hpp"
#include "thread_split.hpp"

namespace partita::kernels::reduce {

namespace {

constexpr std::size_t min_values_per_thread = 16384;

double local_dot(std::span<const double> x, std::span<const double> y, int requested) {
  const int threads = detail::threads_for(requested, x.size(), min_values_per_thread);
  const double* px = x.data();
  const double* py = y.data();
  double acc = 0.0;
#pragma omp parallel for simd reduction(+ : acc) num_threads(threads) if (threads > 1) schedule(static)
  for (std::size_t i = 0; i < x.size(); ++i) acc += px[i] * py[i];
  return acc;
}

void check_lengths(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size()) {
    std::string text = "reduce::fast_dot: x has ";
    text += std::to_string(x.size());
    text += " values and y ";
    text += std::to_string(y.size());
    text += "; they must be equal";
    throw std::invalid_argument(text);
  }
}

}  // namespace

double fast_sum(std::span<const double> x, int requested) {
  const int threads = detail::threads_for(requested, x.size(), min_values_per_thread);
  const double* px = x.data();
  double acc = 0.0;
#pragma omp parallel for simd reduction(+ : acc) num_threads(threads) if (threads > 1) schedule(static)
  for (std::size_t i = 0; i < x.size(); ++i) acc += px[i];
  return acc;
}

double fast_dot(std::span<const double> x, std::span<const double> y, int threads) {
  check_lengths(x, y);
  return local_dot(x, y, threads);
}

double fast_norm2(std::span<const double> x, int threads) { return std::sqrt(local_dot(x, x, threads)); }

double fast_sum(const Context& ctx, std::span<const double> local) {
  double total = fast_sum(local, ctx.threads());
  MPI_Allreduce(MPI_IN_PLACE, &total, 1, MPI_DOUBLE, MPI_SUM, ctx.comm());
  return total;
}

double fast_dot(const Context& ctx, std::span<const double> x, std::span<const double> y) {
  // The mismatch count travels with the sum, so every rank throws together.
  const bool mismatch = x.size() != y.size();
  double both[2] = {mismatch ? 0.0 : local_dot(x, y, ctx.threads()), mismatch ? 1.0 : 0.0};
  MPI_Allreduce(MPI_IN_PLACE, both, 2, MPI_DOUBLE, MPI_SUM, ctx.comm());
  if (mismatch) check_lengths(x, y);
  if (both[1] != 0.0) {
    throw std::invalid_argument("reduce::fast_dot: x and y differ in length on " +
                                std::to_string(static_cast<long>(both[1])) + " other rank(s)");
  }
  return both[0];
}

double fast_norm2(const Context& ctx, std::span<const double> x) { return std::sqrt(fast_dot(ctx, x, x)); }

}  // namespace partita::kernels::reduce

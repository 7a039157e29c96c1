// The fast reductions: what a user writes by hand with OpenMP and MPI (an
// OpenMP reduction over per-thread partial sums, then MPI_Allreduce), and
// the baseline that bench/reduce_bench.cpp measures the reproducible ones
// against. The grouping of additions follows the vector width, the thread
// count and MPI's reduction tree, so results are not reproducible.
#include <cmath>
#include <string>

#include "partita/kernels/reduce.hpp"
#include "reduce/plain_loops.hpp"
#include "thread_split.hpp"
#include "partita/error.hpp"

namespace partita::kernels::reduce {

namespace {

constexpr std::size_t min_values_per_thread = 16384;

// Each thread's contiguous range through the vectorised loop, then an
// OpenMP reduction of the thread partials.
template <class Loop>
double over_threads(std::size_t n, int requested, Loop loop) {
  const int threads = detail::threads_for(requested, n, min_values_per_thread);
  if (threads == 1) return loop(std::size_t{0}, n);
  double acc = 0.0;
#pragma omp parallel num_threads(threads) reduction(+ : acc)
  {
    const auto range = detail::thread_range(n, omp_get_thread_num(), omp_get_num_threads());
    acc += loop(range.first, range.last);
  }
  return acc;
}

double local_dot(std::span<const double> x, std::span<const double> y, int threads) {
  return over_threads(x.size(), threads, [x, y](std::size_t first, std::size_t last) {
    return detail::plain_dot(x.data() + first, y.data() + first, last - first);
  });
}

void check_lengths(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size()) {
    std::string text = "reduce::fast_dot: x has ";
    text += std::to_string(x.size());
    text += " values and y ";
    text += std::to_string(y.size());
    text += "; they must be equal";
    throw InvalidArgument(text);
  }
}

}  // namespace

double fast_sum(std::span<const double> x, int threads) {
  return over_threads(x.size(), threads, [x](std::size_t first, std::size_t last) {
    return detail::plain_sum(x.data() + first, last - first);
  });
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
    throw InvalidArgument("reduce::fast_dot: x and y differ in length on " +
                          std::to_string(static_cast<long>(both[1])) + " other rank(s)");
  }
  return both[0];
}

double fast_norm2(const Context& ctx, std::span<const double> x) { return std::sqrt(fast_dot(ctx, x, x)); }

}  // namespace partita::kernels::reduce

// The reproducible reductions: per-thread ExactSums over contiguous ranges,
// merged after the parallel region, then one exact MPI_Allreduce. Every
// merge is integer addition, so no order of merging can change a bit.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "partita/kernels/detail/binned.hpp"
#include "partita/kernels/reduce.hpp"
#include "thread_split.hpp"
#include "partita/error.hpp"

namespace partita::kernels::reduce {

namespace {

// Below this many values per thread, a parallel region costs more than it saves.
constexpr std::size_t min_values_per_thread = 16384;

// Each thread's accumulator on its own cache lines.
struct alignas(64) Slot {
  ExactSum acc;
};

// Runs add(first, last, acc) over `threads` contiguous ranges of [0, n) and
// merges the per-thread sums. `add` must not throw.
template <class Add>
ExactSum over_threads(std::size_t n, int requested, Add add) {
  const int threads = detail::threads_for(requested, n, min_values_per_thread);
  ExactSum total;
  if (threads == 1) {
    add(std::size_t{0}, n, total);
    return total;
  }
  std::vector<Slot> slots(static_cast<std::size_t>(threads));
#pragma omp parallel num_threads(threads)
  {
    // The team may be smaller than asked (nesting limits): split by its size.
    const int team = omp_get_num_threads();
    const auto range = detail::thread_range(n, omp_get_thread_num(), team);
    add(range.first, range.last, slots[static_cast<std::size_t>(omp_get_thread_num())].acc);
  }
  for (const Slot& slot : slots) total.add(slot.acc);
  return total;
}

std::string length_message(std::size_t x, std::size_t y) {
  std::string text = "reduce::dot: x has ";
  text += std::to_string(x);
  text += " values and y ";
  text += std::to_string(y);
  text += " on this rank; they must be equal";
  return text;
}

// Sums of squares outside [2^-900, DBL_MAX] may have lost bits to underflow,
// or overflowed: then norm2 scales.
bool needs_scaling(double sum_of_squares) {
  return sum_of_squares == std::numeric_limits<double>::infinity() || sum_of_squares < 0x1p-900;
}

double max_abs(std::span<const double> x, int requested) {
  const int threads = detail::threads_for(requested, x.size(), min_values_per_thread);
  double m = 0.0;
#pragma omp parallel for reduction(max : m) num_threads(threads) if (threads > 1) schedule(static)
  for (std::size_t i = 0; i < x.size(); ++i) m = std::max(m, std::fabs(x[i]));
  return m;
}

// The power of two that brings max_abs into [1, 2).
int scale_exponent(double max_abs) { return -std::ilogb(max_abs); }

// Exact sum of the squares of x[i] x 2^k (each scaled value rounded if it
// underflows: deterministic, and far below the largest square's ulp).
ExactSum scaled_squares(std::span<const double> x, int k, int threads) {
  return over_threads(x.size(), threads, [x, k](std::size_t first, std::size_t last, ExactSum& acc) {
    constexpr std::size_t chunk = 1024;
    double scaled[chunk];
    for (std::size_t start = first; start < last; start += chunk) {
      const std::size_t len = std::min(chunk, last - start);
      for (std::size_t i = 0; i < len; ++i) scaled[i] = std::ldexp(x[start + i], k);
      const std::span<const double> s(scaled, len);
      detail::add_dot(s, s, acc);
    }
  });
}

// sqrt of a sum of squares, scaled back by 2^-k.
double root(double sum_of_squares, int k) { return std::ldexp(std::sqrt(sum_of_squares), -k); }

}  // namespace

ExactSum partial_sum(std::span<const double> x, int threads) {
  return over_threads(x.size(), threads, [x](std::size_t first, std::size_t last, ExactSum& acc) {
    detail::add_sum(x.subspan(first, last - first), acc);
  });
}

ExactSum partial_dot(std::span<const double> x, std::span<const double> y, int threads) {
  if (x.size() != y.size()) throw InvalidArgument(length_message(x.size(), y.size()));
  return over_threads(x.size(), threads, [x, y](std::size_t first, std::size_t last, ExactSum& acc) {
    detail::add_dot(x.subspan(first, last - first), y.subspan(first, last - first), acc);
  });
}

ExactSum allreduce(const ExactSum& mine, MPI_Comm comm) {
  ExactSum all = mine;
  all.normalize();
  MPI_Allreduce(MPI_IN_PLACE, all.words().data(), ExactSum::word_count, MPI_INT64_T, MPI_SUM, comm);
  return all;
}

double sum(std::span<const double> x, int threads) { return partial_sum(x, threads).value(); }

double dot(std::span<const double> x, std::span<const double> y, int threads) {
  return partial_dot(x, y, threads).value();
}

double norm2(std::span<const double> x, int threads) {
  const double squares = partial_dot(x, x, threads).value();
  if (!needs_scaling(squares)) return std::sqrt(squares);
  const double largest = max_abs(x, threads);
  if (largest == 0.0 || std::isinf(largest)) return largest;
  const int k = scale_exponent(largest);
  return root(scaled_squares(x, k, threads).value(), k);
}

double sum(const Context& ctx, std::span<const double> local) {
  return allreduce(partial_sum(local, ctx.threads()), ctx.comm()).value();
}

double dot(const Context& ctx, std::span<const double> x, std::span<const double> y) {
  // A length mismatch on one rank must reach every rank, or the others
  // would wait in the collective: its count travels with the sum.
  const bool mismatch = x.size() != y.size();
  ExactSum mine;
  if (!mismatch) mine = partial_dot(x, y, ctx.threads());
  mine.normalize();
  std::vector<std::int64_t> words(mine.words().begin(), mine.words().end());
  words.push_back(mismatch ? 1 : 0);
  MPI_Allreduce(MPI_IN_PLACE, words.data(), static_cast<int>(words.size()), MPI_INT64_T, MPI_SUM, ctx.comm());
  if (mismatch) throw InvalidArgument(length_message(x.size(), y.size()));
  if (words.back() != 0) {
    throw InvalidArgument("reduce::dot: x and y differ in length on " + std::to_string(words.back()) +
                          " other rank(s)");
  }
  ExactSum all;
  std::copy(words.begin(), words.end() - 1, all.words().begin());
  return all.value();
}

double norm2(const Context& ctx, std::span<const double> x) {
  const double squares = allreduce(partial_dot(x, x, ctx.threads()), ctx.comm()).value();
  // Every rank sees the same squares, so all take this branch or none.
  if (!needs_scaling(squares)) return std::sqrt(squares);
  double largest = max_abs(x, ctx.threads());
  MPI_Allreduce(MPI_IN_PLACE, &largest, 1, MPI_DOUBLE, MPI_MAX, ctx.comm());
  if (largest == 0.0 || std::isinf(largest)) return largest;
  const int k = scale_exponent(largest);
  return root(allreduce(scaled_squares(x, k, ctx.threads()), ctx.comm()).value(), k);
}

}  // namespace partita::kernels::reduce

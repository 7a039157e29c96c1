// Throughput of the reproducible reductions (partita::kernels::reduce) against
// the fast, non-reproducible ones and a STREAM-like triad, all measured in
// the same run: bytes read per second, and the ratios.
//
//   reduce_bench [--n N] [--cache-n N] [--reps R] [--threads 1,2]
//
// Claim under test: the reproducible sum runs at >= 0.5 of the fast sum's
// throughput. Run as a plain process (a singleton MPI rank) or under mpirun
// (each rank then reduces its own N values; rank 0 prints).
#include <mpi.h>
#include <omp.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "partita/context.hpp"
#include "partita/kernels/detail/binned.hpp"
#include "partita/kernels/reduce.hpp"
#include "partita/rng.hpp"
#include "partita/runtime.hpp"

namespace {

namespace reduce = partita::kernels::reduce;

struct Options {
  std::size_t n = std::size_t{1} << 24;        // 128 MiB per vector: far beyond the caches
  std::size_t cache_n = std::size_t{1} << 16;  // 512 KiB: in L2
  int reps = 10;
  std::vector<int> threads{1, 2};
};

bool parse(int argc, char** argv, Options& opts) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--n") {
      opts.n = std::strtoull(value, nullptr, 10);
    } else if (flag == "--cache-n") {
      opts.cache_n = std::strtoull(value, nullptr, 10);
    } else if (flag == "--reps") {
      opts.reps = std::atoi(value);
    } else if (flag == "--threads") {
      opts.threads.clear();
      for (const char* p = value; *p != '\0';) {
        char* end = nullptr;
        opts.threads.push_back(static_cast<int>(std::strtol(p, &end, 10)));
        p = *end == ',' ? end + 1 : end;
        if (end == p && *p != '\0') return false;
      }
    } else {
      return false;
    }
  }
  return argc % 2 == 1 && opts.n > 0 && opts.cache_n > 0 && opts.reps > 0 && !opts.threads.empty();
}

double seconds(const std::function<void()>& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Medians of the contenders, run interleaved rep by rep so that load from
// elsewhere on the machine hits them alike.
struct Timings {
  std::vector<double> triad, fast_sum, sum, fast_dot, dot;
};

struct Vectors {
  std::vector<double> a, b, c;
};

// First touch by the threads that will read them (static schedule, as the
// loops use), so pages sit near them on a NUMA machine.
Vectors make_vectors(std::size_t n, int threads, bool wide) {
  Vectors v{std::vector<double>(n), std::vector<double>(n), std::vector<double>(n)};
  double* a = v.a.data();
  double* b = v.b.data();
  double* c = v.c.data();
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::size_t i = 0; i < n; ++i) {
    partita::Rng rng(7, i);
    a[i] = 0.0;
    // wide: normal x 2^k, k in [-40, 40): spans more than one block's
    // grids cover (2^28), so many blocks take the value-by-value path.
    b[i] = wide ? std::ldexp(rng.normal(), static_cast<int>(rng.next_u32() % 80) - 40) : rng.uniform(-1.0, 1.0);
    c[i] = rng.uniform(-1.0, 1.0);
  }
  return v;
}

void triad(Vectors& v, int threads) {
  double* a = v.a.data();
  const double* b = v.b.data();
  const double* c = v.c.data();
  const double s = 3.0;
  const std::size_t n = v.a.size();
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::size_t i = 0; i < n; ++i) a[i] = b[i] + s * c[i];
}

struct Row {
  double triad_gbs, fast_sum_gbs, sum_gbs, fast_dot_gbs, dot_gbs;
  bool same_bits;
};

Row measure(const partita::Context& ctx, Vectors& v, int reps, double reference_sum) {
  const double n = static_cast<double>(v.b.size());
  Timings t;
  double sink = 0.0;
  double sum = 0.0;
  // One untimed round first: page faults, thread start-up, CPU frequency.
  for (int rep = -1; rep < reps; ++rep) {
    const double t_triad = seconds([&] { triad(v, ctx.threads()); });
    const double t_fast = seconds([&] { sink += reduce::fast_sum(ctx, v.b); });
    const double t_sum = seconds([&] { sum = reduce::sum(ctx, v.b); });
    const double t_fast_dot = seconds([&] { sink += reduce::fast_dot(ctx, v.b, v.c); });
    const double t_dot = seconds([&] { sink += reduce::dot(ctx, v.b, v.c); });
    if (rep < 0) continue;
    t.triad.push_back(t_triad);
    t.fast_sum.push_back(t_fast);
    t.sum.push_back(t_sum);
    t.fast_dot.push_back(t_fast_dot);
    t.dot.push_back(t_dot);
  }
  if (sink == 0.123) std::printf("%g\n", sink);  // keeps the results live
  const double gb = 1e-9 * 8.0 * n;
  return {3 * gb / median(t.triad), gb / median(t.fast_sum), gb / median(t.sum), 2 * gb / median(t.fast_dot),
          2 * gb / median(t.dot), std::bit_cast<std::uint64_t>(sum) == std::bit_cast<std::uint64_t>(reference_sum)};
}

}  // namespace

int main(int argc, char** argv) {
  partita::Runtime runtime(&argc, &argv);
  Options opts;
  const bool ok = parse(argc, argv, opts);
  const int rank = runtime.context().rank();
  if (!ok) {
    if (rank == 0) std::fprintf(stderr, "usage: reduce_bench [--n N] [--cache-n N] [--reps R] [--threads 1,2]\n");
    return 2;
  }
  if (rank == 0) {
    std::printf("reduce_bench: %d rank(s); SIMD variant %s; medians of %d runs; GB/s = 1e9 bytes read (triad: "
                "read + written, 24 bytes per element) per second\n",
                runtime.context().size(), partita::kernels::detail::to_string(partita::kernels::detail::best_simd_level()),
                opts.reps);
    std::printf("%-28s %3s %7s %9s %9s %10s %11s %9s %9s %10s %5s\n", "data", "thr", "triad", "fast sum", "exact sum",
                "exact/fast", "exact/triad", "fast dot", "exact dot", "exact/fast", "same");
  }
  struct Case {
    const char* name;
    std::size_t n;
    bool wide;
  };
  const Case cases[] = {{"uniform, n = --n (memory)", opts.n, false},
                        {"uniform, n = --cache-n (L2)", opts.cache_n, false},
                        {"wide range, n = --n", opts.n, true}};
  for (const Case& c : cases) {
    double reference = 0.0;
    for (std::size_t k = 0; k < opts.threads.size(); ++k) {
      const partita::Context ctx(runtime.comm(), opts.threads[k]);
      Vectors v = make_vectors(c.n, ctx.threads(), c.wide);
      if (k == 0) reference = reduce::sum(ctx, v.b);
      // Small vectors: repeat so each timing lasts long enough to measure.
      const int reps = c.n < opts.n ? opts.reps * 20 : opts.reps;
      const Row r = measure(ctx, v, reps, reference);
      if (rank == 0) {
        std::printf("%-28s %3d %7.2f %9.2f %9.2f %10.2f %11.2f %9.2f %9.2f %10.2f %5s\n", c.name, ctx.threads(),
                    r.triad_gbs, r.fast_sum_gbs, r.sum_gbs, r.sum_gbs / r.fast_sum_gbs, r.sum_gbs / r.triad_gbs,
                    r.fast_dot_gbs, r.dot_gbs, r.dot_gbs / r.fast_dot_gbs, r.same_bits ? "yes" : "NO");
      }
    }
  }
  // Each instruction-set variant of the exact sum's loop this CPU runs, one
  // thread, no MPI: what a CPU without AVX-512 (or without AVX2) would get.
  if (rank == 0) {
    std::printf("\nexact sum loop per SIMD variant, 1 thread (detail::add_sum), GB/s and ratio to the fast sum:\n");
    for (const std::size_t n : {opts.n, opts.cache_n}) {
      const partita::Context one(MPI_COMM_SELF, 1);
      Vectors v = make_vectors(n, 1, false);
      const int reps = n < opts.n ? opts.reps * 20 : opts.reps;
      std::vector<double> fast;
      std::vector<std::vector<double>> levels(3);
      for (int rep = -1; rep < reps; ++rep) {
        const double t_fast = seconds([&] { (void)reduce::fast_sum(v.b, 1); });
        for (int level = 0; level < 3; ++level) {
          const auto simd = static_cast<partita::kernels::detail::SimdLevel>(level);
          if (!partita::kernels::detail::simd_level_supported(simd)) continue;
          const double t = seconds([&] {
            partita::kernels::ExactSum acc;
            partita::kernels::detail::add_sum(v.b, acc, simd);
            (void)acc.value();
          });
          if (rep >= 0) levels[static_cast<std::size_t>(level)].push_back(t);
        }
        if (rep >= 0) fast.push_back(t_fast);
      }
      const double gb = 1e-9 * 8.0 * static_cast<double>(n);
      std::printf("  n = %9zu: fast sum %7.2f", n, gb / median(fast));
      for (int level = 0; level < 3; ++level) {
        const auto& t = levels[static_cast<std::size_t>(level)];
        if (t.empty()) continue;
        std::printf("   %s %6.2f (%.2f)",
                    partita::kernels::detail::to_string(static_cast<partita::kernels::detail::SimdLevel>(level)),
                    gb / median(t), median(fast) / median(t));
      }
      std::printf("\n");
    }
  }
  return 0;
}

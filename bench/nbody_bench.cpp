// Pair interactions per second of partita::kernels::nbody::accelerations,
// against the machine's floating-point peak measured in the same run by a
// tight loop of independent fused multiply-adds at the widest vector width
// the CPU has (AVX-512, else AVX2, else SSE2 multiply + add). At 20 FLOPs per
// interaction (3 sub, 3 mul + 3 add for r^2, sqrt, div, 3 mul, 3 mul + 3 add;
// sqrt and div counted 1 each, the usual convention) it prints
// ratio = 20 x interactions/s / peak, at 1 and 2 threads.
//
//   nbody_bench [--bodies 4096] [--reps 5] [--threads 1,2]
//
// Runs on MPI_COMM_SELF (no MPI started): one process, T OpenMP threads.
#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "partita/kernels/nbody.hpp"

namespace {

namespace nb = partita::kernels::nbody;
using Clock = std::chrono::steady_clock;

constexpr double flops_per_interaction = 20.0;
constexpr int chains = 16;  // independent accumulators: hides the FMA latency on two pipes

// Each function: `iterations` rounds of `chains` vector multiply-adds, and
// returns the FLOPs done (the sum of the lanes keeps the work alive).
__attribute__((target("avx512f,fma"), noinline)) double fma_avx512(long iterations, double* sink) {
  __m512d acc[chains];
  for (int i = 0; i < chains; ++i) acc[i] = _mm512_set1_pd(1.0 + i * 1e-3);
  const __m512d m = _mm512_set1_pd(0.9999999);
  const __m512d a = _mm512_set1_pd(1e-7);
  for (long k = 0; k < iterations; ++k) {
    for (int i = 0; i < chains; ++i) acc[i] = _mm512_fmadd_pd(acc[i], m, a);
  }
  // Stored and summed by hand: GCC 12 warns falsely inside _mm512_reduce_add_pd.
  alignas(64) double lanes[8];
  double s = 0.0;
  for (int i = 0; i < chains; ++i) {
    _mm512_store_pd(lanes, acc[i]);
    for (const double lane : lanes) s += lane;
  }
  *sink = s;
  return static_cast<double>(iterations) * chains * 8 * 2;
}

__attribute__((target("avx2,fma"), noinline)) double fma_avx2(long iterations, double* sink) {
  __m256d acc[chains];
  for (int i = 0; i < chains; ++i) acc[i] = _mm256_set1_pd(1.0 + i * 1e-3);
  const __m256d m = _mm256_set1_pd(0.9999999);
  const __m256d a = _mm256_set1_pd(1e-7);
  for (long k = 0; k < iterations; ++k) {
    for (int i = 0; i < chains; ++i) acc[i] = _mm256_fmadd_pd(acc[i], m, a);
  }
  alignas(32) double lanes[4];
  double s = 0.0;
  for (int i = 0; i < chains; ++i) {
    _mm256_store_pd(lanes, acc[i]);
    s += lanes[0] + lanes[1] + lanes[2] + lanes[3];
  }
  *sink = s;
  return static_cast<double>(iterations) * chains * 4 * 2;
}

__attribute__((noinline)) double mul_add_sse2(long iterations, double* sink) {
  __m128d acc[chains];
  for (int i = 0; i < chains; ++i) acc[i] = _mm_set1_pd(1.0 + i * 1e-3);
  const __m128d m = _mm_set1_pd(0.9999999);
  const __m128d a = _mm_set1_pd(1e-7);
  for (long k = 0; k < iterations; ++k) {
    for (int i = 0; i < chains; ++i) acc[i] = _mm_add_pd(_mm_mul_pd(acc[i], m), a);
  }
  alignas(16) double lanes[2];
  double s = 0.0;
  for (int i = 0; i < chains; ++i) {
    _mm_store_pd(lanes, acc[i]);
    s += lanes[0] + lanes[1];
  }
  *sink = s;
  return static_cast<double>(iterations) * chains * 2 * 2;
}

struct Peak {
  const char* isa;
  double (*loop)(long, double*);
};

Peak widest_peak_loop() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return {"AVX-512 FMA", fma_avx512};
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return {"AVX2 FMA", fma_avx2};
  return {"SSE2 mul+add", mul_add_sse2};
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// FLOP/s of `threads` threads each running the loop at once, about 0.3 s.
double peak_flops(const Peak& peak, int threads) {
  double sink = 0.0;
  long iterations = 1 << 16;
  for (;;) {  // calibrate on one thread
    const auto start = Clock::now();
    peak.loop(iterations, &sink);
    if (seconds_since(start) > 0.05) break;
    iterations *= 4;
  }
  {
    const auto start = Clock::now();
    peak.loop(iterations, &sink);
    iterations = static_cast<long>(static_cast<double>(iterations) * 0.3 / seconds_since(start)) + 1;
  }
  double flops = 0.0;
  const auto start = Clock::now();
#pragma omp parallel num_threads(threads) reduction(+ : flops)
  {
    double mine = 0.0;
    flops += peak.loop(iterations, &mine);
  }
  return flops / seconds_since(start);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 == 1 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t bodies = 4096;
  int reps = 5;
  std::vector<int> thread_counts{1, 2};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--bodies" && i + 1 < argc) {
      bodies = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--reps" && i + 1 < argc) {
      reps = std::atoi(argv[++i]);
    } else if (arg == "--threads" && i + 1 < argc) {
      thread_counts.clear();
      const std::string list = argv[++i];
      for (std::size_t start = 0; start <= list.size();) {
        const std::size_t comma = std::min(list.find(',', start), list.size());
        thread_counts.push_back(std::atoi(list.substr(start, comma - start).c_str()));
        start = comma + 1;
      }
    } else {
      std::fputs("usage: nbody_bench [--bodies N] [--reps R] [--threads T1,T2,...]\n", stderr);
      return 2;
    }
  }
  if (bodies < 2 || reps < 1 || std::any_of(thread_counts.begin(), thread_counts.end(), [](int t) { return t < 1; })) {
    std::fputs("nbody_bench: need bodies >= 2, reps >= 1, threads >= 1\n", stderr);
    return 2;
  }

  const Peak peak = widest_peak_loop();
  const nb::Bodies system = nb::uniform_sphere(bodies, {0, bodies}, 2026);
  const nb::Gravity gravity{1.0, 0.01};
  const double interactions = static_cast<double>(bodies) * static_cast<double>(bodies);
  std::printf("nbody_bench: accelerations of %llu bodies (%.3g pair interactions per call, self pairs included), "
              "%d repetitions (median), %g FLOPs per interaction; peak loop: %s\n",
              static_cast<unsigned long long>(bodies), interactions, reps, flops_per_interaction, peak.isa);
  for (const int threads : thread_counts) {
    nb::Accelerations acc;
    nb::accelerations(system, gravity, acc, MPI_COMM_SELF, threads);  // warm-up
    std::vector<double> times;
    std::vector<double> peaks;
    for (int rep = 0; rep < reps; ++rep) {
      // Alternate the two so that load from other processes hits both.
      peaks.push_back(peak_flops(peak, threads));
      const auto start = Clock::now();
      nb::accelerations(system, gravity, acc, MPI_COMM_SELF, threads);
      times.push_back(seconds_since(start));
    }
    const double rate = interactions / median(times);
    const double achieved = rate * flops_per_interaction;
    const double peak_rate = median(peaks);
    std::printf("threads %d: %.3g interactions/s = %.1f GFLOP/s; peak %.1f GFLOP/s; ratio %.3f\n", threads, rate,
                achieved / 1e9, peak_rate / 1e9, achieved / peak_rate);
  }
  return 0;
}

// GFLOP/s of partita::kernels::dense::multiply (C = A B) against OpenBLAS's
// cblas_dgemm called directly in the same run, at 1 and 2 threads, and
// Eigen's own (OpenMP-threaded) product for reference; prints the ratios and
// the kernel's backend. Claim under test: the kernel reaches >= 0.9 of
// OpenBLAS at 1 and 2 threads (n = 2048).
//
//   dense_bench [--n 2048] [--reps 5] [--threads 1,2] [--no-eigen]
//
// Each repetition times every contender once, in an order that rotates
// between repetitions, so load from other processes falls on all of them;
// the medians are compared. Runs are 0.2 s apart: OpenBLAS's pool threads
// spin for about 0.06 s after a threaded call (and OpenMP's for a while
// after a region) and would otherwise steal CPU from the next contender.
// No MPI: the kernel is not collective.
#include <cblas.h>
#include <omp.h>

#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "partita/kernels/dense.hpp"
#include "partita/rng.hpp"

// OpenBLAS's thread control (declared here too, in case the cblas.h found is
// another BLAS's).
extern "C" {
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
}

namespace {

namespace dense = partita::kernels::dense;
using Clock = std::chrono::steady_clock;

struct Options {
  Eigen::Index n = 2048;
  int reps = 5;
  std::vector<int> threads{1, 2};
  bool eigen = true;
};

const char* usage = "usage: dense_bench [--n N] [--reps R] [--threads T1,T2,...] [--no-eigen]\n";

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--n" && has_value) {
      o.n = std::atol(argv[++i]);
    } else if (arg == "--reps" && has_value) {
      o.reps = std::atoi(argv[++i]);
    } else if (arg == "--threads" && has_value) {
      o.threads.clear();
      std::string list = argv[++i];
      for (std::size_t start = 0; start <= list.size();) {
        const std::size_t comma = std::min(list.find(',', start), list.size());
        o.threads.push_back(std::atoi(list.substr(start, comma - start).c_str()));
        start = comma + 1;
      }
    } else if (arg == "--no-eigen") {
      o.eigen = false;
    } else {
      return false;
    }
  }
  return o.n > 0 && o.reps > 0 && !o.threads.empty() &&
         std::all_of(o.threads.begin(), o.threads.end(), [](int t) { return t > 0; });
}

Eigen::MatrixXd random_matrix(Eigen::Index n, std::uint64_t seed) {
  partita::Rng rng(seed, 0);
  Eigen::MatrixXd m(n, n);
  for (Eigen::Index j = 0; j < n; ++j) {
    for (Eigen::Index i = 0; i < n; ++i) m(i, j) = rng.uniform(-1.0, 1.0);
  }
  return m;
}

double seconds(const std::function<void()>& run) {
  const auto start = Clock::now();
  run();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 == 1 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

struct Contender {
  std::string name;
  std::function<void()> run;
  std::vector<double> times;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) {
    std::fputs(usage, stderr);
    return 2;
  }
  const Eigen::Index n = o.n;
  const Eigen::MatrixXd a = random_matrix(n, 1);
  const Eigen::MatrixXd b = random_matrix(n, 2);
  Eigen::MatrixXd c(n, n);
  const double flops = 2.0 * static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n);
  const int openblas_default = openblas_get_num_threads();

  std::printf("dense_bench: C = A B, n = %ld, %d repetitions (median), kernel backend: %s\n",
              static_cast<long>(n), o.reps, dense::backend_name());
  for (const int threads : o.threads) {
    const int nb = static_cast<int>(n);
    std::vector<Contender> contenders;
    contenders.push_back({"OpenBLAS cblas_dgemm", [&] {
                            openblas_set_num_threads(threads);
                            cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, nb, nb, nb, 1.0, a.data(), nb,
                                        b.data(), nb, 0.0, c.data(), nb);
                            openblas_set_num_threads(openblas_default);
                          }, {}});
    contenders.push_back({std::string("kernel dense::multiply (") + dense::backend_name() + ")",
                          [&] { dense::multiply(a, b, c, threads); }, {}});
    if (o.eigen) {
      // Eigen's own product, threaded by Eigen through OpenMP: it asks
      // omp_get_max_threads(), which this thread sets.
      contenders.push_back({"Eigen 3.4 native", [&] {
                              omp_set_num_threads(threads);
                              c.noalias() = a * b;
                            }, {}});
    }
    for (auto& contender : contenders) contender.run();  // warm-up: pages, thread pools
    for (int rep = 0; rep < o.reps; ++rep) {
      for (std::size_t k = 0; k < contenders.size(); ++k) {
        auto& contender = contenders[(k + static_cast<std::size_t>(rep)) % contenders.size()];
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        contender.times.push_back(seconds(contender.run));
      }
    }
    const double baseline = flops / median(contenders[0].times) / 1e9;
    std::printf("threads %d:\n", threads);
    for (const auto& contender : contenders) {
      const double gflops = flops / median(contender.times) / 1e9;
      std::printf("  %-36s %8.1f GFLOP/s  ratio %.3f\n", contender.name.c_str(), gflops, gflops / baseline);
    }
  }
  return 0;
}

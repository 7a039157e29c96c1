// The dense kernel never uses more threads than it is given. Observed from
// outside: the CPU time of every thread of this process (Linux
// /proc/self/task/TID/schedstat, in nanoseconds) before and after a call; a
// thread counts as working for the call if it ran for at least a fifth as
// long as the busiest one. OpenBLAS's pool threads spin (measured: about 60
// ms of CPU) after the library loads and after each threaded call before
// they sleep, so each observation first waits until the process is 0.3 s old
// and no other thread is running (a pool thread starved of CPU by other
// processes could otherwise spin later, during the call); each TEST also
// runs in its own process (gtest_discover_tests). No timing is asserted:
// only how many threads did the work.
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>

#include <unistd.h>

#include "dense/dense_backend.hpp"
#include "dense_reference.hpp"
#include "partita/kernels/dense.hpp"

namespace {

namespace dense = partita::kernels::dense;
namespace ref = partita::testing::dense_reference;
using Eigen::MatrixXd;

std::map<std::string, long long> cpu_ns_by_thread() {
  std::map<std::string, long long> ns;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream stat(task.path() / "schedstat");
    long long on_cpu = 0;
    if (stat >> on_cpu) ns[task.path().filename().string()] = on_cpu;
  }
  return ns;
}

std::string thread_name(const std::string& tid) {
  std::ifstream comm("/proc/self/task/" + tid + "/comm");
  std::string name;
  std::getline(comm, name);
  return name;
}

// Close to when the process started (static initialisation).
const auto process_start = std::chrono::steady_clock::now();

// Waits until the process is 0.3 s old (OpenBLAS's pool thread spins for at
// most about 2^28 clock cycles, some 0.06 s, after it starts, however little
// CPU it gets) and then (at most about 5 s more) until the threads other than
// this one used under 1 ms of CPU in 20 ms: pool threads have gone to sleep.
void wait_until_other_threads_idle() {
  std::this_thread::sleep_until(process_start + std::chrono::milliseconds(300));
  const std::string me = std::to_string(gettid());
  for (int attempt = 0; attempt < 250; ++attempt) {
    const auto before = cpu_ns_by_thread();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    long long others = 0;
    for (const auto& [tid, ns] : cpu_ns_by_thread()) {
      const auto it = before.find(tid);
      if (tid != me) others += ns - (it == before.end() ? 0 : it->second);
    }
    if (others < 1'000'000) return;
  }
}

struct Observed {
  int working = 0;             // threads that ran >= 1/5 as long as the busiest
  std::string detail;          // "tid: ms" for every thread that ran at all
};

template <class F>
Observed threads_working_during(F&& call) {
  wait_until_other_threads_idle();
  const auto before = cpu_ns_by_thread();
  call();
  const auto after = cpu_ns_by_thread();
  std::map<std::string, long long> ran;
  long long busiest = 0;
  for (const auto& [tid, ns] : after) {
    const auto it = before.find(tid);
    ran[tid] = ns - (it == before.end() ? 0 : it->second);
    busiest = std::max(busiest, ran[tid]);
  }
  Observed observed;
  for (const auto& [tid, ns] : ran) {
    if (ns * 5 >= busiest && ns > 0) ++observed.working;
    if (ns > 0) {
      observed.detail += " " + tid + " (" + thread_name(tid) + "): " + std::to_string(static_cast<double>(ns) / 1e6);
      observed.detail += " ms;";
    }
  }
  return observed;
}

// Big enough (0.27 GFLOP per product) that a helper thread's share shows.
constexpr Eigen::Index n = 512;

const MatrixXd& matrix_a() {
  static const MatrixXd a = ref::random_matrix(n, n, 1);
  return a;
}
const MatrixXd& matrix_b() {
  static const MatrixXd b = ref::random_matrix(n, n, 2);
  return b;
}

void expect_at_most(const Observed& observed, int threads) {
  EXPECT_GE(observed.working, 1) << observed.detail;
  EXPECT_LE(observed.working, threads) << "asked for " << threads << " thread(s);" << observed.detail;
}

TEST(DenseThreadCount, OneThreadMeansOne) {
  const MatrixXd& a = matrix_a();
  const MatrixXd& b = matrix_b();
  MatrixXd c(n, n);
  const auto observed = threads_working_during([&] {
    for (int rep = 0; rep < 3; ++rep) dense::multiply(a, b, c, 1);
  });
  expect_at_most(observed, 1);
}

TEST(DenseThreadCount, TwoThreadsMeansAtMostTwo) {
  const MatrixXd& a = matrix_a();
  const MatrixXd& b = matrix_b();
  MatrixXd c(n, n);
  const auto observed = threads_working_during([&] {
    for (int rep = 0; rep < 3; ++rep) dense::multiply(a, b, c, 2);
  });
  expect_at_most(observed, 2);
}

// T tasks, each single-threaded, side by side: T threads in all. Without
// the guard, OpenBLAS's process-wide default (one thread per core) would add
// its pool threads to each call.
TEST(DenseThreadCount, TwoSingleThreadedTasksUseTwoThreads) {
  const MatrixXd& a = matrix_a();
  const MatrixXd& b = matrix_b();
  MatrixXd c0(n, n);
  MatrixXd c1(n, n);
  const auto observed = threads_working_during([&] {
#pragma omp parallel num_threads(2)
    {
      MatrixXd& mine = omp_get_thread_num() == 0 ? c0 : c1;
      for (int rep = 0; rep < 3; ++rep) dense::multiply(a, b, mine, 1);
    }
  });
  expect_at_most(observed, 2);
  EXPECT_EQ(c0, c1) << "the same product on two threads";
}

TEST(DenseThreadCount, SolvesOnOneThreadUseOne) {
  const MatrixXd a = ref::random_matrix(700, 700, 3);
  const MatrixXd spd = ref::random_spd(300, 4) + 300.0 * MatrixXd::Identity(300, 300);
  const MatrixXd b = ref::random_matrix(700, 4, 5);
  const auto observed = threads_working_during([&] {
    (void)dense::solve_lu(a, b, 1);
    (void)dense::solve_cholesky(spd, b.topRows(300), 1);
  });
  expect_at_most(observed, 1);
}

// The Eigen backend splits the product over a parallel region of its own.
TEST(DenseThreadCount, EigenBackendKeepsToItsCount) {
  const MatrixXd& a = matrix_a();
  const MatrixXd& b = matrix_b();
  MatrixXd c(n, n);
  const auto& eigen = dense::detail::eigen_ops();
  const auto one = threads_working_during([&] { eigen.gemm(1.0, a, b, 0.0, c, 1); });
  expect_at_most(one, 1);
  const auto two = threads_working_during([&] { eigen.gemm(1.0, a, b, 0.0, c, 2); });
  expect_at_most(two, 2);
}

// Threaded and single-threaded calls from two threads at once, many times:
// the guard must neither deadlock nor let a call see another's setting, and
// every result must be right. (The tsan preset runs this under
// ThreadSanitizer.)
TEST(DenseThreadCount, MixedConcurrentCallsStayCorrect) {
  const MatrixXd a = ref::random_matrix(96, 80, 6);
  const MatrixXd b = ref::random_matrix(80, 72, 7);
  const MatrixXd expected = ref::gemm(1.0, a, b, 0.0, b);
  const MatrixXd tolerance = ref::product_tolerance(a, b);
  int failures = 0;
#pragma omp parallel num_threads(2) reduction(+ : failures)
  {
    MatrixXd c(96, 72);
    for (int rep = 0; rep < 40; ++rep) {
      const int threads = (rep + omp_get_thread_num()) % 3 == 0 ? 2 : 1;
      dense::multiply(a, b, c, threads);
      if (((c - expected).cwiseAbs() - tolerance).maxCoeff() > 0.0) ++failures;
    }
  }
  EXPECT_EQ(failures, 0);
}

}  // namespace

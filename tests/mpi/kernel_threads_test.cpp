// A kernel given a Context runs on the Context's threads, not on OpenMP's
// default: with RuntimeOptions{threads = 1} and OMP_NUM_THREADS=2 (set by the
// .t2 entries; forced below for the .t1 ones), the stencil uses one thread.
#include <gtest/gtest.h>
#include <mpi.h>
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cstddef>

#include "mpi_test.hpp"
#include "partita/kernels/stencil.hpp"
#include "partita/runtime.hpp"

namespace {

namespace st = partita::kernels::stencil;
using partita::testing::on_all_ranks;
using partita::testing::ranks_failing;

// OpenMP's default thread count for the test, put back afterwards.
class DefaultThreads {
 public:
  explicit DefaultThreads(int threads) : saved_(omp_get_max_threads()) { omp_set_num_threads(threads); }
  ~DefaultThreads() { omp_set_num_threads(saved_); }
  DefaultThreads(const DefaultThreads&) = delete;
  DefaultThreads& operator=(const DefaultThreads&) = delete;

 private:
  int saved_;
};

// The widest OpenMP team that called initial(): what the kernel really ran on.
struct TeamWidth {
  std::atomic<int> widest{0};
  st::Initial initial() {
    return [this](std::size_t row, std::size_t col) {
      const int team = omp_get_num_threads();
      int seen = widest.load();
      while (team > seen && !widest.compare_exchange_weak(seen, team)) {
      }
      return static_cast<double>((row * 7 + col * 3) % 11);
    };
  }
};

TEST(KernelThreads, Heat2DInheritsTheRuntimesThreadCount) {
  const DefaultThreads two(std::max(2, omp_get_max_threads()));
  const partita::Runtime runtime(partita::RuntimeOptions{MPI_COMM_WORLD, 1});
  // 398 x 398 interior points: even at 4 ranks a block is worth 2 threads,
  // so only the thread count can keep the kernel on one.
  const std::size_t n = 400;

  TeamWidth from_context;
  st::Heat2D heat(runtime.context(), n, n, from_context.initial());
  heat.step(3);
  // Control: the communicator form keeps OpenMP's default (2), which shows
  // the grid is large enough for the check above to mean something.
  TeamWidth from_comm;
  const st::Heat2D control(runtime.comm(), n, n, from_comm.initial());
  // An explicit HeatOptions::threads still wins over the Context's.
  const st::Heat2D explicit_two(runtime.context(), n, n, from_comm.initial(), {0.25, 2, true});

  const bool ok = runtime.context().threads() == 1 && heat.threads() == 1 && from_context.widest.load() == 1 &&
                  control.threads() >= 2 && explicit_two.threads() == 2;
  ASSERT_TRUE(on_all_ranks(ok)) << "context threads " << runtime.context().threads() << ", Heat2D threads "
                                << heat.threads() << ", initial() saw teams of " << from_context.widest.load()
                                << ", control " << control.threads() << ", explicit " << explicit_two.threads()
                                << "; wrong on ranks " << ranks_failing(ok);
}

}  // namespace

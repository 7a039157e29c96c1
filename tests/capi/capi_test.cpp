// The C API end to end under mpirun: a runtime on the caller's communicator
// (C and Fortran handles), Monte Carlo integration with a C callback that is
// bitwise the same on any layout, and errors as codes plus a per-thread
// message, the same on every rank.
#include <gtest/gtest.h>
#include <mpi.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "partita/c/partita.h"
#include "partita/kernels/reduce.hpp"
#include "partita/kernels/stencil.hpp"

extern "C" int sum_of_squares(const double* x, int dim, void* user, double* value);
extern "C" int fails_above(const double* x, int dim, void* user, double* value);
extern "C" int hot_top(uint64_t row, uint64_t col, void* user, double* value);
extern "C" int fails_at_center(uint64_t row, uint64_t col, void* user, double* value);

namespace {

class CApi : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(partita_start(MPI_COMM_WORLD, 0, &runtime_), PARTITA_OK) << partita_last_error(); }
  void TearDown() override { EXPECT_EQ(partita_stop(runtime_), PARTITA_OK); }
  partita_runtime* runtime_ = nullptr;
};

const double lower[2] = {0.0, 0.0};
const double upper[2] = {1.0, 1.0};

TEST_F(CApi, IntegralIsWithinItsIntervalAndTheSameBitsOnOneThreadOfOneRank) {
  partita_estimate e{};
  ASSERT_EQ(partita_mc_integrate(runtime_, sum_of_squares, nullptr, 2, lower, upper, 64, 2000, 9, 0.999, &e),
            PARTITA_OK)
      << partita_last_error();
  EXPECT_EQ(e.samples, 64u * 2000u);
  EXPECT_LT(e.ci_low, 2.0 / 3.0);
  EXPECT_GT(e.ci_high, 2.0 / 3.0);
  EXPECT_LT(e.std_error, 0.01);

  partita_runtime* alone = nullptr;
  ASSERT_EQ(partita_start(MPI_COMM_SELF, 1, &alone), PARTITA_OK) << partita_last_error();
  partita_estimate serial{};
  ASSERT_EQ(partita_mc_integrate(alone, sum_of_squares, nullptr, 2, lower, upper, 64, 2000, 9, 0.999, &serial),
            PARTITA_OK);
  EXPECT_EQ(partita_stop(alone), PARTITA_OK);
  EXPECT_EQ(std::bit_cast<std::uint64_t>(e.value), std::bit_cast<std::uint64_t>(serial.value));
  EXPECT_EQ(std::bit_cast<std::uint64_t>(e.std_error), std::bit_cast<std::uint64_t>(serial.std_error));
}

TEST_F(CApi, FortranHandleAndRankQueries) {
  partita_runtime* fortran = nullptr;
  ASSERT_EQ(partita_start_f(MPI_Comm_c2f(MPI_COMM_WORLD), 1, &fortran), PARTITA_OK) << partita_last_error();
  int rank = -1, size = -1, threads = -1;
  ASSERT_EQ(partita_rank(fortran, &rank, &size, &threads), PARTITA_OK);
  int world_rank = 0, world_size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);
  EXPECT_EQ(rank, world_rank);
  EXPECT_EQ(size, world_size);
  EXPECT_EQ(threads, 1);
  EXPECT_EQ(partita_stop(fortran), PARTITA_OK);
  EXPECT_EQ(std::string(partita_version()).find('.') != std::string::npos, true);
}

// Every rank gets the same code and names the same (first) failing task.
TEST_F(CApi, CallbackErrorIsReportedOnEveryRank) {
  double threshold = 0.5;
  partita_estimate e{};
  EXPECT_EQ(partita_mc_integrate(runtime_, fails_above, &threshold, 2, lower, upper, 16, 100, 1, 0.95, &e),
            PARTITA_ERROR_CALLBACK);
  const std::string message = partita_last_error();
  EXPECT_NE(message.find("partita_mc_integrate: the integrand returned 7 in task 0"), std::string::npos) << message;
}

TEST_F(CApi, BadArgumentsAreCodesWithMessages) {
  partita_estimate e{};
  const auto expect = [](partita_status status, const std::string& needle) {
    EXPECT_EQ(status, PARTITA_ERROR_ARGUMENT);
    EXPECT_NE(std::string(partita_last_error()).find(needle), std::string::npos) << partita_last_error();
  };
  expect(partita_mc_integrate(runtime_, sum_of_squares, nullptr, 2, lower, upper, 16, 10, 1, 0.95, nullptr),
         "result is a null pointer");
  expect(partita_mc_integrate(runtime_, sum_of_squares, nullptr, 0, lower, upper, 16, 10, 1, 0.95, &e), "dim = 0");
  expect(partita_mc_integrate(runtime_, sum_of_squares, nullptr, 2, lower, upper, 1, 10, 1, 0.95, &e), "tasks = 1");
  expect(partita_mc_integrate(runtime_, sum_of_squares, nullptr, 2, upper, lower, 16, 10, 1, 0.95, &e),
         "must be < upper");
  expect(partita_mc_integrate(nullptr, sum_of_squares, nullptr, 2, lower, upper, 16, 10, 1, 0.95, &e),
         "runtime is a null pointer");
  expect(partita_start(MPI_COMM_NULL, 0, nullptr), "runtime is a null pointer");
}

// The message belongs to the thread whose call failed.
TEST_F(CApi, LastErrorIsPerThread) {
  partita_estimate e{};
  ASSERT_EQ(partita_mc_integrate(runtime_, sum_of_squares, nullptr, 0, lower, upper, 16, 10, 1, 0.95, &e),
            PARTITA_ERROR_ARGUMENT);
  std::string other;
  std::thread([&] { other = partita_last_error(); }).join();
  EXPECT_EQ(other, "");
  EXPECT_NE(std::string(partita_last_error()).find("dim = 0"), std::string::npos);
}

// The C stencil on every rank gives the bits of the C++ one on rank 0 alone.
TEST_F(CApi, HeatMatchesTheCxxKernelBitwise) {
  const std::uint64_t nx = 40, ny = 30;
  partita_heat* heat = nullptr;
  ASSERT_EQ(partita_heat_create(runtime_, nx, ny, 0.25, hot_top, nullptr, &heat), PARTITA_OK) << partita_last_error();
  double change = -1.0;
  ASSERT_EQ(partita_heat_step(heat, 50, &change), PARTITA_OK) << partita_last_error();
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  std::vector<double> field(rank == 0 ? nx * ny : 0);
  ASSERT_EQ(partita_heat_gather(heat, 0, field.data()), PARTITA_OK) << partita_last_error();
  EXPECT_EQ(partita_heat_free(heat), PARTITA_OK);
  if (rank != 0) return;
  partita::kernels::stencil::Heat2D serial(MPI_COMM_SELF, nx, ny,
                                           [](std::size_t row, std::size_t) { return row == 0 ? 1.0 : 0.0; }, {0.25, 1});
  EXPECT_EQ(std::bit_cast<std::uint64_t>(serial.step(50)), std::bit_cast<std::uint64_t>(change));
  const std::vector<double> expected = serial.gather();
  ASSERT_EQ(field.size(), expected.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    ASSERT_EQ(std::bit_cast<std::uint64_t>(field[i]), std::bit_cast<std::uint64_t>(expected[i])) << "point " << i;
  }
}

TEST_F(CApi, HeatCallbackAndArgumentErrors) {
  partita_heat* heat = nullptr;
  const partita_status status = partita_heat_create(runtime_, 40, 30, 0.25, fails_at_center, nullptr, &heat);
  EXPECT_NE(status, PARTITA_OK);
  EXPECT_EQ(heat, nullptr);
  if (status == PARTITA_ERROR_CALLBACK) {
    EXPECT_NE(std::string(partita_last_error()).find("returned 5 at row 10, column 10"), std::string::npos)
        << partita_last_error();
  }
  EXPECT_EQ(partita_heat_create(runtime_, 2, 30, 0.25, hot_top, nullptr, &heat), PARTITA_ERROR_ARGUMENT);
  EXPECT_EQ(partita_heat_create(runtime_, 40, 30, 0.5, hot_top, nullptr, &heat), PARTITA_ERROR_ARGUMENT);
  EXPECT_EQ(partita_heat_step(nullptr, 1, nullptr), PARTITA_ERROR_ARGUMENT);
  EXPECT_EQ(partita_heat_free(nullptr), PARTITA_OK);
}

// Each rank passes its block of one global vector: the reproducible results
// are the bits of the whole vector reduced alone, whatever the rank count.
TEST_F(CApi, ReductionsAreTheBitsOfTheWholeVector) {
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  std::vector<double> x(1001), y(1001);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = 1.0 / static_cast<double>(i + 1);
    y[i] = (i % 3 == 0 ? -1.0 : 1.0) * 1e10 / static_cast<double>(i + 7);
  }
  x[10] = 1e16;
  x[500] = -1e16;  // cancels: a naive sum loses the small terms around it
  const std::size_t first = x.size() * rank / size, last = x.size() * (rank + 1) / size;
  const auto n = static_cast<int64_t>(last - first);
  double sum = 0, dot = 0, norm = 0, fast = 0;
  ASSERT_EQ(partita_sum(runtime_, x.data() + first, n, &sum), PARTITA_OK) << partita_last_error();
  ASSERT_EQ(partita_dot(runtime_, x.data() + first, y.data() + first, n, &dot), PARTITA_OK) << partita_last_error();
  ASSERT_EQ(partita_norm2(runtime_, y.data() + first, n, &norm), PARTITA_OK) << partita_last_error();
  ASSERT_EQ(partita_fast_sum(runtime_, x.data() + first, n, &fast), PARTITA_OK) << partita_last_error();
  namespace reduce = partita::kernels::reduce;
  EXPECT_EQ(std::bit_cast<std::uint64_t>(sum), std::bit_cast<std::uint64_t>(reduce::sum(x, 1)));
  EXPECT_EQ(std::bit_cast<std::uint64_t>(dot), std::bit_cast<std::uint64_t>(reduce::dot(x, y, 1)));
  EXPECT_EQ(std::bit_cast<std::uint64_t>(norm), std::bit_cast<std::uint64_t>(reduce::norm2(y, 1)));
  EXPECT_TRUE(std::isfinite(fast));

  EXPECT_EQ(partita_sum(runtime_, nullptr, 0, &sum), PARTITA_OK) << "an empty part needs no pointer";
  EXPECT_EQ(partita_sum(runtime_, x.data(), -1, &sum), PARTITA_ERROR_ARGUMENT);
  EXPECT_NE(std::string(partita_last_error()).find("n_local = -1"), std::string::npos) << partita_last_error();
  EXPECT_EQ(partita_dot(runtime_, x.data(), nullptr, 3, &dot), PARTITA_ERROR_ARGUMENT);
}

}  // namespace

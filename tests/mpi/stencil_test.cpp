// The heat-equation stencil against a plain serial loop written here: the
// gathered field and the max change must be bitwise identical at every rank
// count, thread count and grid shape (uneven splits, one-point-wide blocks).
#include "partita/kernels/stencil.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "mpi_test.hpp"

namespace {

namespace st = partita::kernels::stencil;
using partita::testing::on_all_ranks;
using partita::testing::ranks_failing;

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Values in [0, 1) that differ from point to point, so that a point taken
// from the wrong place, or a halo that never arrived, shows.
double scrambled(std::size_t row, std::size_t col) {
  std::uint64_t x = row * 0x9E3779B97F4A7C15ull + col * 0xC2B2AE3D27D4EB4Full + 1;
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 29;
  return static_cast<double>(x >> 11) * 0x1p-53;
}

struct Reference {
  std::vector<double> field;
  double max_change = 0.0;
};

// The serial equivalent from stencil.hpp, written independently.
Reference serial_heat(std::size_t nx, std::size_t ny, double alpha, std::uint64_t steps) {
  std::vector<double> u(nx * ny);
  for (std::size_t i = 0; i < ny; ++i) {
    for (std::size_t j = 0; j < nx; ++j) u[i * nx + j] = scrambled(i, j);
  }
  std::vector<double> v = u;
  double change = 0.0;
  for (std::uint64_t s = 0; s < steps; ++s) {
    change = 0.0;
    for (std::size_t i = 1; i + 1 < ny; ++i) {
      for (std::size_t j = 1; j + 1 < nx; ++j) {
        const double c = u[i * nx + j];
        v[i * nx + j] = c + alpha * ((u[(i - 1) * nx + j] + u[(i + 1) * nx + j]) +
                                     (u[i * nx + j - 1] + u[i * nx + j + 1]) - 4.0 * c);
        change = std::max(change, std::fabs(v[i * nx + j] - c));
      }
    }
    std::swap(u, v);
  }
  return {u, change};
}

int world_rank() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

struct Case {
  std::size_t nx, ny;
  double alpha;
  std::uint64_t steps;
};

std::string describe(const Case& c, bool overlap) {
  return std::to_string(c.nx) + " x " + std::to_string(c.ny) + ", alpha " + std::to_string(c.alpha) + ", " +
         std::to_string(c.steps) + " steps, overlap " + (overlap ? "on" : "off");
}

// A block uses a second thread only from 2 x 2^14 points on (stencil.hpp):
// this grid gives every rank that many at up to 4 ranks.
constexpr std::size_t threaded_nx = 420, threaded_ny = 330;

// Square and lopsided grids, one interior row or column (blocks one point
// wide), prime sizes that split unevenly at 3 and 4 ranks, and one grid
// large enough for two threads per rank.
const Case cases[] = {{37, 23, 0.25, 7},
                      {5, 5, 0.25, 3},
                      {64, 3, 0.1, 5},
                      {3, 41, 0.2, 4},
                      {6, 6, 0.25, 0},
                      {29, 31, 0.125, 1},
                      {threaded_nx, threaded_ny, 0.25, 3}};

TEST(Stencil, BitwiseEqualToTheSerialLoopAtAnyLayout) {
  for (const Case& c : cases) {
    const Reference ref = serial_heat(c.nx, c.ny, c.alpha, c.steps);
    for (bool overlap : {true, false}) {
      st::Heat2D heat(MPI_COMM_WORLD, c.nx, c.ny, scrambled, {c.alpha, 0, overlap});
      const double change = heat.step(c.steps);
      const std::vector<double> on_root = heat.gather(0);
      const std::vector<double> everywhere = heat.gather_all();
      const bool ok = same_bits(change, ref.max_change) && heat.steps() == c.steps &&
                      same_bits(everywhere, ref.field) && (world_rank() != 0 || same_bits(on_root, ref.field)) &&
                      (world_rank() == 0 || on_root.empty());
      ASSERT_TRUE(on_all_ranks(ok)) << describe(c, overlap) << ": differs from the serial loop on ranks "
                                    << ranks_failing(ok) << " (max change " << change << " vs " << ref.max_change
                                    << ")";
    }
  }
}

// step(a) then step(b) is step(a + b); the caller's communicator may number
// ranks in any order; an explicit thread count overrides OpenMP's, and a
// small block runs on one thread whatever was asked.
TEST(Stencil, SplitStepsReversedRanksAndExplicitThreads) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  MPI_Comm reversed = MPI_COMM_NULL;
  MPI_Comm_split(MPI_COMM_WORLD, 0, size - 1 - world_rank(), &reversed);
  const Reference ref = serial_heat(threaded_nx, threaded_ny, 0.25, 6);
  bool ok = true;
  {
    st::Heat2D heat(reversed, threaded_nx, threaded_ny, scrambled, {0.25, 2, true});
    heat.step(2);
    heat.step(0);
    const double change = heat.step(4);
    ok = same_bits(change, ref.max_change) && same_bits(heat.max_change(), change) && heat.steps() == 6 &&
         heat.threads() == 2 && same_bits(heat.gather_all(), ref.field);
  }
  MPI_Comm_free(&reversed);
  ok = ok && st::Heat2D(MPI_COMM_WORLD, 40, 40, scrambled, {0.25, 2, true}).threads() == 1;
  ASSERT_TRUE(on_all_ranks(ok)) << "on ranks " << ranks_failing(ok);
}

// On MPI_COMM_SELF each rank runs the whole grid alone (as launcher tasks do).
TEST(Stencil, SelfCommunicatorRunsTheWholeGridOnEachRank) {
  const Reference ref = serial_heat(33, 17, 0.25, 5);
  st::Heat2D heat(MPI_COMM_SELF, 33, 17, scrambled);
  const double change = heat.step(5);
  const bool ok = same_bits(change, ref.max_change) && same_bits(heat.gather(), ref.field) &&
                  heat.block().dims[0] == 1 && heat.block().dims[1] == 1 && heat.at(0, 0) == scrambled(0, 0) &&
                  heat.at(16, 32) == ref.field[16 * 33 + 32];
  ASSERT_TRUE(on_all_ranks(ok)) << "on ranks " << ranks_failing(ok);
}

// The blocks tile the interior, and the process grid is MPI_Dims_create's
// (2 x 2 at 4 ranks on a square grid).
TEST(Stencil, BlocksTileTheInterior) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const std::size_t nx = 12, ny = 12;
  st::Heat2D heat(MPI_COMM_WORLD, nx, ny, scrambled);
  const st::Block& b = heat.block();
  unsigned long long mine[4] = {b.row_begin, b.row_end, b.col_begin, b.col_end};
  std::vector<unsigned long long> all(4 * static_cast<std::size_t>(size));
  MPI_Allgather(mine, 4, MPI_UNSIGNED_LONG_LONG, all.data(), 4, MPI_UNSIGNED_LONG_LONG, MPI_COMM_WORLD);
  std::vector<int> covered(nx * ny, 0);
  for (int r = 0; r < size; ++r) {
    const unsigned long long* q = &all[4 * static_cast<std::size_t>(r)];
    for (auto i = q[0]; i < q[1]; ++i) {
      for (auto j = q[2]; j < q[3]; ++j) ++covered[i * nx + j];
    }
  }
  bool ok = b.dims[0] * b.dims[1] == size && (size != 4 || (b.dims[0] == 2 && b.dims[1] == 2));
  for (std::size_t i = 0; i < ny; ++i) {
    for (std::size_t j = 0; j < nx; ++j) {
      const bool interior = i > 0 && i + 1 < ny && j > 0 && j + 1 < nx;
      ok = ok && covered[i * nx + j] == (interior ? 1 : 0);
    }
  }
  ASSERT_TRUE(on_all_ranks(ok)) << "on ranks " << ranks_failing(ok);
}

// Every rank throws the same error, so none is left waiting in a collective,
// and MPI still works afterwards.
TEST(Stencil, BadInputThrowsOnEveryRank) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const auto message = [](auto&& make) -> std::string {
    try {
      make();
    } catch (const partita::InvalidArgument& e) {
      return e.what();
    } catch (const std::exception& e) {
      return std::string("wrong type: ") + e.what();
    }
    return "no exception";
  };
  const auto contains = [](const std::string& text, const char* part) { return text.find(part) != std::string::npos; };

  const std::string small = message([] { st::Heat2D(MPI_COMM_WORLD, 2, 9, scrambled); });
  const std::string alpha = message([] { st::Heat2D(MPI_COMM_WORLD, 9, 9, scrambled, {0.3}); });
  // One non-finite value, on whichever rank holds point (7, 5).
  const std::string nan = message([] {
    st::Heat2D(MPI_COMM_WORLD, 9, 11, [](std::size_t i, std::size_t j) {
      return i == 7 && j == 5 ? std::numeric_limits<double>::quiet_NaN() : 1.0;
    });
  });
  bool ok = contains(small, "nx and ny must be >= 3") && contains(alpha, "must be in (0, 0.25]") &&
            contains(nan, "initial(7, 5) is not finite");
  // 3 x 3 has one interior point: enough for one rank only.
  const std::string crowded = message([] { st::Heat2D(MPI_COMM_WORLD, 3, 3, scrambled); });
  ok = ok && (size == 1 ? crowded == "no exception" : contains(crowded, "too few"));

  // An exception from initial() on one rank reaches every rank.
  bool threw = false;
  try {
    st::Heat2D(MPI_COMM_WORLD, 9, 11, [](std::size_t i, std::size_t j) -> double {
      if (i == 9 && j == 8) throw std::runtime_error("no value here");
      return 0.0;
    });
  } catch (const std::runtime_error&) {
    threw = true;
  }
  ok = ok && threw;
  ASSERT_TRUE(on_all_ranks(ok)) << "on ranks " << ranks_failing(ok) << ": " << small << " | " << alpha << " | " << nan
                                << " | " << crowded;
}

}  // namespace

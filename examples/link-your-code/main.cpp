// A "host scientific code" that uses Partita as a library: the host starts
// and finishes MPI, hands Partita a communicator of its own, runs a Monte
// Carlo kernel as a map_reduce over task ids, then a distributed kernel (the
// heat-equation stencil) on its communicator.
#include <mpi.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <numbers>
#include <vector>

#include <partita/kernels/dense.hpp>
#include <partita/kernels/monte_carlo.hpp>
#include <partita/kernels/stencil.hpp>
#include <partita/partita.hpp>

namespace mc = partita::kernels::monte_carlo;
namespace st = partita::kernels::stencil;

namespace {

constexpr std::uint64_t seed = 20240611;
constexpr std::uint64_t tasks = 64;
constexpr std::uint64_t samples_per_task = 200'000;

// What the tasks add up to. map_reduce moves it between ranks as bytes, so it
// must be trivially copyable.
struct PiSum {
  double estimates = 0.0;  // sum of the tasks' estimates of pi
  double variances = 0.0;  // sum of their squared standard errors
};

// Collective on ctx.comm(). Each task draws from its own stream,
// Rng(seed, task id), so the result does not depend on who ran the task.
PiSum sum_over_tasks(const partita::Context& ctx) {
  return partita::map_reduce(
      ctx, tasks,
      [](std::uint64_t id) {
        partita::Rng rng(seed, id);
        const mc::Estimate e = mc::pi(samples_per_task, rng);
        return PiSum{e.value, e.std_error * e.std_error};
      },
      [](const PiSum& a, const PiSum& b) { return PiSum{a.estimates + b.estimates, a.variances + b.variances}; });
}

// A dense solve through the kernels' BLAS backend (if Partita has one): the
// installed package must bring that library along. Returns |A x - b|.
double dense_residual() {
  namespace dense = partita::kernels::dense;
  const Eigen::Index n = 64;
  Eigen::MatrixXd a(n, n);
  Eigen::MatrixXd b(n, 1);
  partita::Rng rng(seed, 0, 1);
  for (Eigen::Index j = 0; j < n; ++j) {
    for (Eigen::Index i = 0; i < n; ++i) a(i, j) = rng.uniform(-1.0, 1.0) + (i == j ? 8.0 : 0.0);
  }
  for (Eigen::Index i = 0; i < n; ++i) b(i, 0) = rng.uniform(-1.0, 1.0);
  const Eigen::MatrixXd x = dense::solve_lu(a, b, 1);
  Eigen::MatrixXd r = b;
  dense::multiply_add(-1.0, a, x, r, 1);
  return r.cwiseAbs().maxCoeff();
}

bool same_bits(const PiSum& a, const PiSum& b) {
  return std::bit_cast<std::uint64_t>(a.estimates) == std::bit_cast<std::uint64_t>(b.estimates) &&
         std::bit_cast<std::uint64_t>(a.variances) == std::bit_cast<std::uint64_t>(b.variances);
}

bool same_double(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

// A plate held at 1 along its top edge and 0 elsewhere, 200 Jacobi steps.
double plate(std::size_t row, std::size_t) { return row == 0 ? 1.0 : 0.0; }

// Collective on comm. The heat equation split over comm's ranks, then the
// same on rank 0 alone: the stencil promises the same bits for any number of
// ranks and threads. True on rank 0 when they match (and on other ranks).
bool stencil_matches_serial(MPI_Comm comm, int rank) {
  constexpr std::size_t nx = 96, ny = 64;
  st::Heat2D heat(comm, nx, ny, plate);  // threads: omp_get_max_threads()
  const double change = heat.step(200);
  const std::vector<double> field = heat.gather(0);
  if (rank != 0) return true;
  st::Heat2D alone(MPI_COMM_SELF, nx, ny, plate, {.alpha = 0.25, .threads = 1, .overlap = true});
  alone.step(200);
  const std::vector<double> serial = alone.gather(0);
  const bool identical = std::equal(field.begin(), field.end(), serial.begin(), serial.end(), same_double) &&
                         same_double(change, alone.max_change());
  std::printf("stencil %zu x %zu, 200 steps on %d x %d ranks: centre %.6f, max change %.3g; serial rerun: %s\n", nx,
              ny, heat.block().dims[0], heat.block().dims[1], field[ny / 2 * nx + nx / 2], change,
              identical ? "bitwise identical" : "DIFFERENT");
  return identical;
}

}  // namespace

int main(int argc, char** argv) {
  // The host owns MPI. Partita only needs FUNNELED: it calls MPI from the
  // main thread alone.
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);

  // The host's own communicator. Reversing the rank order means nothing below
  // can get away with assuming MPI_COMM_WORLD.
  int world_rank = 0;
  int world_size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);
  MPI_Comm host_comm = MPI_COMM_NULL;
  MPI_Comm_split(MPI_COMM_WORLD, 0, world_size - 1 - world_rank, &host_comm);
  int rank = 0;
  MPI_Comm_rank(host_comm, &rank);

  int ok = 1;
  try {
    // Adopts the MPI the host started, works on a duplicate of host_comm, and
    // will not finalise MPI.
    partita::Runtime runtime(partita::RuntimeOptions{.comm = host_comm, .threads = 0});
    const partita::Context& ctx = runtime.context();
    const PiSum sum = sum_over_tasks(ctx);

    if (rank == 0) {
      const double pi = sum.estimates / tasks;
      const double std_error = std::sqrt(sum.variances) / tasks;
      const double deviations = std::abs(pi - std::numbers::pi) / std_error;
      std::printf("Partita %s: %d rank(s) x %d thread(s), began MPI: %s\n", partita::version_string, ctx.size(),
                  ctx.threads(), runtime.began_mpi() ? "yes" : "no");
      std::printf("pi = %.17g +- %.3g (%.2f standard errors from pi)\n", pi, std_error, deviations);
      ok = deviations < 5.0 && !runtime.began_mpi();

      // The same reduction on this rank alone, with one thread: map_reduce
      // promises the very same bits for any number of ranks and threads.
      const partita::Context serial(MPI_COMM_SELF, 1);
      const bool identical = same_bits(sum, sum_over_tasks(serial));
      std::printf("serial rerun on 1 rank x 1 thread: %s\n", identical ? "bitwise identical" : "DIFFERENT");
      ok = ok && identical;

      const double residual = dense_residual();
      std::printf("dense solve (%s backend): |A x - b| = %.3g\n", partita::kernels::dense::backend_name(), residual);
      ok = ok && residual < 1e-12;
    }
  } catch (const partita::Error& e) {
    // Partita throws; what the process does next is the host's decision.
    std::fprintf(stderr, "rank %d: %s\n", rank, e.what());
    MPI_Abort(MPI_COMM_WORLD, 2);
  }

  // Kernels that take a communicator use it directly (the stencil makes a
  // Cartesian communicator of its own from it and frees it at the end).
  try {
    const bool matches = stencil_matches_serial(host_comm, rank);
    ok = ok && matches;
  } catch (const std::exception& e) {  // bad arguments: partita::InvalidArgument
    std::fprintf(stderr, "rank %d: %s\n", rank, e.what());
    MPI_Abort(MPI_COMM_WORLD, 2);
  }

  // The Runtime is gone and MPI is still ours to use and to finish.
  MPI_Bcast(&ok, 1, MPI_INT, 0, host_comm);
  if (rank == 0) std::printf("%s\n", ok ? "link-your-code: OK" : "link-your-code: FAILED");
  MPI_Comm_free(&host_comm);
  MPI_Finalize();
  return ok ? 0 : 1;
}

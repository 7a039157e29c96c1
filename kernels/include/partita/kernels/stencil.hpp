// The 2D heat equation by Jacobi iteration with the 5-point stencil, on an
// nx x ny grid split over the ranks of a communicator (MPI_Cart_create) with
// OpenMP threads inside each rank; halos travel while the interior is updated.
// Collective on that communicator; the field is bitwise identical for any
// number of ranks and threads (serial equivalent: see Heat2D).
#pragma once

#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "partita/context.hpp"
#include "partita/error.hpp"

namespace partita::kernels::stencil {

namespace detail {
struct HeatState;
}

/// The value of global point (row, col), row in [0, ny), col in [0, nx), at
/// step 0. Points on the edge (row 0 or ny - 1, col 0 or nx - 1) keep it for
/// ever: they are the fixed (Dirichlet) boundary values. It is called once
/// per point a rank stores, from several of its threads at once, so it must
/// be safe to call concurrently (a pure function of its arguments is).
using Initial = std::function<double(std::size_t row, std::size_t col)>;

struct HeatOptions {
  /// The diffusion number kappa dt / h^2, in (0, 0.25] (explicit Euler is
  /// stable up to 0.25). 0.25 makes each step Jacobi's average of the four
  /// neighbours, which converges to the steady state (Laplace's equation).
  double alpha = 0.25;
  /// OpenMP threads per rank at most; 0: the Context's threads() when built
  /// from a Context, else omp_get_max_threads() when constructed. A block uses one thread per 2^14 of its points at most:
  /// fewer points do not pay for a thread.
  int threads = 0;
  /// true: update the points that need no halo while halos travel. false:
  /// wait for the halos first; the same results, and the baseline that shows
  /// how much communication the overlap hides.
  bool overlap = true;
};

/// This rank's part of the grid: the interior points it updates, as global
/// rows [row_begin, row_end) and columns [col_begin, col_end), and its place
/// in the process grid (coords[0] along rows, of dims[0]; same for columns).
struct Block {
  std::size_t row_begin = 0;
  std::size_t row_end = 0;
  std::size_t col_begin = 0;
  std::size_t col_end = 0;
  int coords[2] = {0, 0};
  int dims[2] = {1, 1};
};

/// Wall seconds this rank's main thread spent in each phase of step(),
/// summed over steps. With overlap, `wait` is the communication left exposed
/// after the interior update; without it, the whole halo exchange.
struct StepTimings {
  double post = 0.0;      ///< posting the halo receives and sends
  double interior = 0.0;  ///< updating the points that need no halo
  double wait = 0.0;      ///< waiting for the halos (MPI_Waitall)
  double boundary = 0.0;  ///< waiting for the other threads, then the strip next to the halos
  double total() const noexcept { return post + interior + wait + boundary; }
};

/// The heat equation on one communicator. Every rank holds one block of
/// interior points plus a one-point halo; the caller's communicator is not
/// used for messages (a Cartesian communicator is made from it and freed).
///
/// Serial equivalent of step(n), on the whole ny x nx row-major grid u:
///   repeat n times:
///     for (i = 1; i < ny - 1; ++i) for (j = 1; j < nx - 1; ++j)
///       v[i][j] = u[i][j] + alpha * ((u[i-1][j] + u[i+1][j]) + (u[i][j-1] + u[i][j+1]) - 4.0 * u[i][j]);
///     swap(u, v);   // edge points never change
/// Every point is computed by that expression in that order, whichever rank
/// and thread owns it, so the field is bitwise identical for any decomposition
/// (the kernel sources are built with -ffp-contract=off so that no compiler
/// fuses a multiply-add in one loop and not in another).
///
/// On MPI_COMM_SELF it makes no MPI call at all, so it can run on any thread,
/// even where MPI is not initialised (the partita launcher's tasks do).
/// Otherwise only the thread that initialised MPI may call it
/// (MPI_THREAD_FUNNELED), the same on every rank.
class Heat2D {
 public:
  /// Collective on comm. Splits the (ny - 2) x (nx - 2) interior points into
  /// blocks on a process grid from MPI_Dims_create (oriented to cut the
  /// fewest points; another factorisation only if that one leaves a block
  /// empty), uneven splits differing by at most one row or column.
  /// Throws partita::InvalidArgument, on every rank, if nx or ny < 3, alpha is
  /// outside (0, 0.25], threads < 0, the interior has too few points to give
  /// every rank one, or initial() returns a non-finite value (the message
  /// names the first such point). If initial() throws, the ranks where it
  /// threw rethrow its exception and the others throw partita::Error naming the
  /// first such rank.
  /// Throws partita::MpiError if MPI offers less than MPI_THREAD_FUNNELED or
  /// the caller is not the thread that initialised MPI (not on MPI_COMM_SELF).
  /// Every rank must pass the same nx, ny and options.
  Heat2D(MPI_Comm comm, std::size_t nx, std::size_t ny, const Initial& initial, HeatOptions options = {});
  /// The same on ctx.comm(), where options.threads == 0 means ctx.threads():
  /// a Runtime's thread count (RuntimeOptions::threads) reaches the kernel
  /// whatever OMP_NUM_THREADS says. Collective on ctx.comm().
  Heat2D(const Context& ctx, std::size_t nx, std::size_t ny, const Initial& initial, HeatOptions options = {});
  ~Heat2D();  ///< frees what it created (collective on comm in MPI's terms)

  Heat2D(const Heat2D&) = delete;
  Heat2D& operator=(const Heat2D&) = delete;
  /// A moved-from Heat2D may only be destroyed or assigned to.
  Heat2D(Heat2D&&) noexcept;
  Heat2D& operator=(Heat2D&&) noexcept;

  /// Advances n steps. Collective. Returns the largest |new - old| over all
  /// points in the last of them (0 when n == 0): a max, so the same bits for
  /// any decomposition. Only the last step measures it, so n steps at once
  /// cost less than n calls of step(1), which each reduce over the ranks.
  double step(std::uint64_t n = 1);

  /// Steps taken since construction.
  std::uint64_t steps() const noexcept;
  /// What the last step(n) with n > 0 returned; 0 before any.
  double max_change() const noexcept;

  /// The whole ny x nx field, row-major, on `root` (an empty vector on the
  /// other ranks). Collective. Throws partita::InvalidArgument, on every rank, if
  /// the grid has more than INT_MAX points (MPI counts are ints).
  std::vector<double> gather(int root = 0) const;
  /// The whole field on every rank. Collective; throws like gather().
  std::vector<double> gather_all() const;

  /// The value of global point (row, col), which must lie in this rank's
  /// block or its halo. Not collective.
  double at(std::size_t row, std::size_t col) const;

  std::size_t nx() const noexcept;
  std::size_t ny() const noexcept;
  /// The OpenMP threads this rank's steps run on (see HeatOptions::threads).
  int threads() const noexcept;
  /// The vector instructions the row update runs with on this CPU
  /// ("avx512f", "avx2", "sse2" or "generic"); all give the same bits.
  const char* instruction_set() const noexcept;
  const Block& block() const noexcept;
  const StepTimings& timings() const noexcept;
  void reset_timings() noexcept;

 private:
  std::unique_ptr<detail::HeatState> state_;
};

}  // namespace partita::kernels::stencil

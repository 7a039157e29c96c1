// All-pairs gravity with Plummer softening and a kick-drift-kick leapfrog,
// for bodies spread over the ranks of a communicator in contiguous blocks (in
// rank order); copies of the blocks' positions and masses travel round a ring
// of the ranks. Collective on `comm`; on MPI_COMM_SELF it makes no MPI call,
// so any thread may use it, MPI initialised or not.
// Reproducible: bitwise the same for any thread count, and for any rank
// count whose blocks start on tile boundaries (block_range's do).
// Serial equivalent: a_i = G sum_{j != i} m_j (x_j - x_i) / (|x_j - x_i|^2 + eps^2)^(3/2).
#pragma once

#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "partita/context.hpp"
#include "partita/error.hpp"
#include "partita/kernels/task_threads.hpp"

namespace partita::kernels::nbody {

/// The global body order is cut into tiles of this many bodies. A body's
/// acceleration is the exact (fixed-point) sum of one double-precision
/// partial sum per tile, so neither the order in which tiles arrive round the
/// ring nor the number of threads changes a bit. A block that starts inside a
/// tile splits that tile's sum in two: still deterministic, but not the same
/// bits as an unsplit tile.
inline constexpr std::uint64_t tile_size = 128;

struct Gravity {
  double g = 1.0;          ///< gravitational constant
  double softening = 0.01; ///< Plummer softening length eps, > 0
};

/// One rank's block of bodies, as structure of arrays (all the same length).
struct Bodies {
  std::vector<double> x, y, z;
  std::vector<double> vx, vy, vz;
  std::vector<double> mass;

  std::size_t size() const noexcept { return mass.size(); }
  void resize(std::size_t n);
};

struct Accelerations {
  std::vector<double> x, y, z;

  std::size_t size() const noexcept { return x.size(); }
};

/// Bodies [offset, offset + count) of the global order.
struct Block {
  std::uint64_t offset = 0;
  std::uint64_t count = 0;
};

/// The block of n bodies that `rank` of `ranks` owns: whole tiles, spread as
/// evenly as possible in rank order (the last tile may be short; a rank may
/// get none). Throws partita::InvalidArgument unless 0 <= rank < ranks.
Block block_range(std::uint64_t n, int ranks, int rank);

/// Bodies `block` of n equal-mass bodies (total mass 1) uniform in the unit
/// ball, with Gaussian velocities in virial equilibrium (2K = -W) under
/// gravitational constant g. Body k draws from Rng(seed, k) alone, so a body
/// is the same whichever rank makes it. Not collective.
Bodies uniform_sphere(std::uint64_t n, Block block, std::uint64_t seed, double g = 1.0);

/// The accelerations of this rank's bodies due to all bodies on all ranks of
/// comm (out is resized). Collective on comm: every rank calls it, with its
/// own block; blocks are in rank order. Uses at most `threads` OpenMP threads;
/// only the calling thread calls MPI (tag 0x6e62 on comm), so under
/// MPI_THREAD_FUNNELED call it from the main thread. Throws
/// partita::InvalidArgument on every rank if any rank's input is invalid
/// (arrays of unequal length, non-finite values, softening <= 0, threads < 1).
void accelerations(const Bodies& local, const Gravity& gravity, Accelerations& out, MPI_Comm comm,
                   int threads = task_threads());

/// One kick-drift-kick leapfrog step of length dt:
///   v += a dt/2;  x += v dt;  a = accelerations(x);  v += a dt/2.
/// `acc` holds the accelerations of the current positions on entry (from
/// accelerations() or the previous step) and of the new ones on return.
/// Collective on comm, like accelerations(); also throws on every rank if any
/// rank's acc does not match its bodies or dt is not finite. Symplectic and
/// time-reversible: the energy error stays bounded, O(dt^2), over long runs.
void leapfrog_step(Bodies& local, Accelerations& acc, double dt, const Gravity& gravity, MPI_Comm comm,
                   int threads = task_threads());

struct Energy {
  double kinetic = 0.0;    ///< sum of m v^2 / 2
  double potential = 0.0;  ///< -G sum over pairs i < j of m_i m_j / sqrt(r_ij^2 + eps^2)
  double total() const noexcept { return kinetic + potential; }
};

/// The system's energy, the same bits on every rank and for every rank and
/// thread count (with tile-aligned blocks): each sum over bodies is exact in
/// fixed point, then rounded once. Collective on comm, like accelerations().
Energy energy(const Bodies& local, const Gravity& gravity, MPI_Comm comm, int threads = task_threads());

// The same three on a Context: its communicator, and its threads() (a
// Runtime's thread count, whatever OMP_NUM_THREADS says). Collective on
// ctx.comm().
inline void accelerations(const Bodies& local, const Gravity& gravity, Accelerations& out, const Context& ctx) {
  accelerations(local, gravity, out, ctx.comm(), ctx.threads());
}
inline void leapfrog_step(Bodies& local, Accelerations& acc, double dt, const Gravity& gravity, const Context& ctx) {
  leapfrog_step(local, acc, dt, gravity, ctx.comm(), ctx.threads());
}
inline Energy energy(const Bodies& local, const Gravity& gravity, const Context& ctx) {
  return energy(local, gravity, ctx.comm(), ctx.threads());
}

}  // namespace partita::kernels::nbody

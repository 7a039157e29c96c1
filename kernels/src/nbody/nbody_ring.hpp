// How the n-body kernel spreads work over a communicator: every rank agrees
// on the blocks (sizes in rank order) and on the inputs being valid, then
// copies of the blocks' positions and masses travel round a ring while each
// rank adds their pull on its own bodies.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nbody/nbody_tiles.hpp"
#include "partita/kernels/nbody.hpp"

namespace partita::kernels::nbody::detail {

/// What every rank knows after agree(): the blocks of all ranks.
struct Layout {
  int rank = 0;
  int ranks = 1;
  bool self = true;  ///< comm is MPI_COMM_SELF: no MPI call at all
  std::vector<std::uint64_t> counts;
  std::vector<std::uint64_t> offsets;
  std::uint64_t total = 0;
  double max_abs_mass = 0.0;
};

/// Checks this rank's input (`problem` holds any fault the caller found
/// itself; empty if none) and agrees with the other ranks of comm on the
/// layout. Collective: if any rank's input is bad, every rank throws
/// partita::InvalidArgument (the faulty ranks name their fault). `function`
/// prefixes the messages.
Layout agree(const char* function, const Bodies& local, const Gravity& gravity, int threads, std::string problem,
             MPI_Comm comm);

/// Calls visit(sources) once for every rank's block, this rank's first, while
/// the blocks travel round the ring (the next one arrives while visit works).
/// Collective on comm. visit may run OpenMP regions; only this thread calls MPI.
void ring_pass(const Layout& layout, const Bodies& local, MPI_Comm comm,
               const std::function<void(const BlockView&)>& visit);

/// This rank's block as targets or sources.
BlockView view_of(const Bodies& local, const Layout& layout);

}  // namespace partita::kernels::nbody::detail

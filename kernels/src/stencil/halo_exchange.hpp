// The halo exchange of one rank's block: a Cartesian communicator made from
// the caller's (so no message of ours can match one of theirs), the four
// neighbours, and non-blocking receives into the halo and sends of the edge
// rows and columns. Columns travel as an MPI vector datatype, so nothing is
// packed by hand. Only the thread that initialised MPI may call it.
#pragma once

#include <mpi.h>

#include <array>

#include "decomposition.hpp"
#include "field.hpp"

namespace partita::kernels::stencil::detail {

class HaloExchange {
 public:
  enum Side { up = 0, down = 1, left = 2, right = 3 };

  /// Collective on comm: MPI_Cart_create (no reordering, so a rank keeps
  /// its number) and the column datatype for fields of rows x cols with
  /// this row stride. Throws partita::InvalidArgument if a row or column is longer
  /// than an MPI count can say, partita::MpiError if MPI offers less than
  /// MPI_THREAD_FUNNELED or this is not the thread that initialised it.
  HaloExchange(MPI_Comm comm, ProcessGrid grid, std::size_t rows, std::size_t cols, std::size_t stride);
  ~HaloExchange();  ///< frees the datatype and the communicator
  HaloExchange(const HaloExchange&) = delete;
  HaloExchange& operator=(const HaloExchange&) = delete;

  MPI_Comm comm() const noexcept { return cart_; }
  int rank() const noexcept { return rank_; }
  int size() const noexcept { return size_; }
  /// This rank's place in the process grid: along rows, along columns.
  const std::array<int, 2>& coords() const noexcept { return coords_; }
  bool has(Side side) const noexcept { return neighbour_[side] != MPI_PROC_NULL; }

  /// Starts receiving the halo of `field` and sending its edge rows and
  /// columns to the neighbours. Until wait() returns, the halo must not be
  /// read and the edges must not be written.
  void post(Field& field);
  /// Lets MPI move data while the caller computes (Open MPI has no progress
  /// thread of its own: large messages move only inside MPI calls).
  void progress();
  /// Returns when every halo has arrived and every send has left.
  void wait();

 private:
  MPI_Comm cart_ = MPI_COMM_NULL;
  MPI_Datatype column_ = MPI_DATATYPE_NULL;
  int rank_ = 0;
  int size_ = 1;
  int cols_ = 0;
  std::array<int, 2> coords_{0, 0};
  std::array<int, 4> neighbour_{MPI_PROC_NULL, MPI_PROC_NULL, MPI_PROC_NULL, MPI_PROC_NULL};
  std::array<MPI_Request, 8> requests_{};
  int active_ = 0;
};

}  // namespace partita::kernels::stencil::detail

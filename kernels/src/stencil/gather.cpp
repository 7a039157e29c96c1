// Heat2D::gather and gather_all: every rank sends the points it owns (its
// block, widened by the grid's edge where it touches it), and the receiver
// places each rank's part by the same decomposition, so no layout travels.
#include <climits>
#include <string>
#include <vector>

#include "heat_state.hpp"
#include "partita/error.hpp"

namespace partita::kernels::stencil {

namespace {

std::size_t points(const Block& r) { return (r.row_end - r.row_begin) * (r.col_end - r.col_begin); }

// This rank's owned points, row-major.
std::vector<double> pack(const detail::HeatState& s) {
  const Block own = detail::owned_region(s.block, s.nx, s.ny);
  std::vector<double> out;
  out.reserve(points(own));
  for (std::size_t row = own.row_begin; row < own.row_end; ++row) {
    const double* local = s.current().row(row + 1 - s.block.row_begin);
    for (std::size_t col = own.col_begin; col < own.col_end; ++col) out.push_back(local[col + 1 - s.block.col_begin]);
  }
  return out;
}

void unpack(const double* part, const Block& own, std::size_t nx, std::vector<double>& global) {
  for (std::size_t row = own.row_begin; row < own.row_end; ++row) {
    for (std::size_t col = own.col_begin; col < own.col_end; ++col) global[row * nx + col] = *part++;
  }
}

std::vector<double> collect(const detail::HeatState& s, int root, bool everywhere) {
  std::vector<double> mine = pack(s);
  if (!s.halo) {
    if (root != 0)
      throw InvalidArgument("stencil gather root " + std::to_string(root) + ": must be 0 on MPI_COMM_SELF");
    return mine;  // one block owns the whole grid
  }
  const int size = s.halo->size();
  if (root < 0 || root >= size) {
    throw InvalidArgument("stencil gather root " + std::to_string(root) + ": must be in [0, " +
                          std::to_string(size) + ")");
  }
  if (s.nx * s.ny > static_cast<std::size_t>(INT_MAX)) {
    throw InvalidArgument("stencil gather of " + std::to_string(s.nx) + " x " + std::to_string(s.ny) +
                          " points: more than an MPI count (INT_MAX) holds");
  }
  const detail::ProcessGrid grid{s.block.dims[0], s.block.dims[1]};
  std::vector<Block> owned(static_cast<std::size_t>(size));
  std::vector<int> counts(owned.size());
  std::vector<int> offsets(owned.size());
  int total = 0;
  for (int r = 0; r < size; ++r) {
    const auto i = static_cast<std::size_t>(r);
    owned[i] = detail::owned_region(detail::block_of(s.nx, s.ny, grid, r / grid.cols, r % grid.cols), s.nx, s.ny);
    counts[i] = static_cast<int>(points(owned[i]));
    offsets[i] = total;
    total += counts[i];
  }
  const bool receives = everywhere || s.halo->rank() == root;
  std::vector<double> parts(receives ? static_cast<std::size_t>(total) : 0);
  const int count = static_cast<int>(mine.size());
  if (everywhere) {
    MPI_Allgatherv(mine.data(), count, MPI_DOUBLE, parts.data(), counts.data(), offsets.data(), MPI_DOUBLE,
                   s.halo->comm());
  } else {
    MPI_Gatherv(mine.data(), count, MPI_DOUBLE, parts.data(), counts.data(), offsets.data(), MPI_DOUBLE, root,
                s.halo->comm());
  }
  if (!receives) return {};
  std::vector<double> global(s.nx * s.ny);
  for (std::size_t i = 0; i < owned.size(); ++i) unpack(parts.data() + offsets[i], owned[i], s.nx, global);
  return global;
}

}  // namespace

std::vector<double> Heat2D::gather(int root) const { return collect(*state_, root, false); }

std::vector<double> Heat2D::gather_all() const { return collect(*state_, 0, true); }

}  // namespace partita::kernels::stencil

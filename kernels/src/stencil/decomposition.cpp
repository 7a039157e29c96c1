#include "decomposition.hpp"

#include <limits>
#include <string>

#include "partita/error.hpp"

namespace partita::kernels::stencil::detail {

namespace {

bool fits(ProcessGrid g, std::size_t nx, std::size_t ny) {
  return static_cast<std::size_t>(g.rows) <= ny - 2 && static_cast<std::size_t>(g.cols) <= nx - 2;
}

// Halo points one exchange moves in one direction: the cut lengths.
std::size_t cut(ProcessGrid g, std::size_t nx, std::size_t ny) {
  return static_cast<std::size_t>(g.rows - 1) * (nx - 2) + static_cast<std::size_t>(g.cols - 1) * (ny - 2);
}

}  // namespace

std::pair<std::size_t, std::size_t> split(std::size_t n, int parts, int index) {
  const auto p = static_cast<std::size_t>(parts);
  const auto i = static_cast<std::size_t>(index);
  const std::size_t base = n / p;
  const std::size_t extra = n % p;
  const std::size_t begin = i * base + (i < extra ? i : extra);
  return {begin, begin + base + (i < extra ? 1 : 0)};
}

ProcessGrid choose_grid(int size, const int balanced[2], std::size_t nx, std::size_t ny) {
  const ProcessGrid tall{balanced[0], balanced[1]};
  const ProcessGrid wide{balanced[1], balanced[0]};
  const bool tall_fits = fits(tall, nx, ny);
  const bool wide_fits = fits(wide, nx, ny);
  if (tall_fits && (!wide_fits || cut(tall, nx, ny) <= cut(wide, nx, ny))) return tall;
  if (wide_fits) return wide;
  // MPI_Dims_create balances the factors without regard to the grid's
  // shape: a 1000 x 3 grid on 4 ranks needs 1 x 4, not 2 x 2.
  ProcessGrid best{0, 0};
  std::size_t best_cut = std::numeric_limits<std::size_t>::max();
  for (int rows = 1; rows <= size; ++rows) {
    if (size % rows != 0) continue;
    const ProcessGrid g{rows, size / rows};
    if (fits(g, nx, ny) && cut(g, nx, ny) < best_cut) {
      best = g;
      best_cut = cut(g, nx, ny);
    }
  }
  if (best.rows == 0) {
    throw InvalidArgument("stencil grid " + std::to_string(nx) + " x " + std::to_string(ny) + " has " +
                          std::to_string(nx - 2) + " x " + std::to_string(ny - 2) +
                          " interior points: too few to give each of " + std::to_string(size) +
                          " ranks one (no rows x columns split of the ranks fits)");
  }
  return best;
}

Block block_of(std::size_t nx, std::size_t ny, ProcessGrid grid, int coord_row, int coord_col) {
  // Interior points are rows and columns 1 .. n - 2; the edges are boundary.
  const auto rows = split(ny - 2, grid.rows, coord_row);
  const auto cols = split(nx - 2, grid.cols, coord_col);
  Block b;
  b.row_begin = 1 + rows.first;
  b.row_end = 1 + rows.second;
  b.col_begin = 1 + cols.first;
  b.col_end = 1 + cols.second;
  b.coords[0] = coord_row;
  b.coords[1] = coord_col;
  b.dims[0] = grid.rows;
  b.dims[1] = grid.cols;
  return b;
}

Block owned_region(const Block& block, std::size_t nx, std::size_t ny) {
  Block r = block;
  if (block.coords[0] == 0) r.row_begin = 0;
  if (block.coords[0] == block.dims[0] - 1) r.row_end = ny;
  if (block.coords[1] == 0) r.col_begin = 0;
  if (block.coords[1] == block.dims[1] - 1) r.col_end = nx;
  return r;
}

}  // namespace partita::kernels::stencil::detail

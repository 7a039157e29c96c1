// How the grid's interior points are split over a process grid: which
// process grid (rows x columns of ranks) and which block each rank gets.
// Pure functions of the sizes, so every rank computes the same answer
// without a message.
#pragma once

#include <cstddef>
#include <utility>

#include "partita/kernels/stencil.hpp"

namespace partita::kernels::stencil::detail {

/// Ranks along the grid's rows (dimension 0 of the Cartesian communicator)
/// and along its columns.
struct ProcessGrid {
  int rows = 1;
  int cols = 1;
};

/// Part `index` of `parts` near-equal parts of [0, n): the first n % parts
/// parts hold one item more.
std::pair<std::size_t, std::size_t> split(std::size_t n, int parts, int index);

/// The process grid for `size` ranks over an nx x ny grid (interior
/// (ny - 2) x (nx - 2)). `balanced` is MPI_Dims_create's factorisation
/// (larger first); of its two orientations the one that cuts fewer points
/// wins (ties: more ranks along rows, whose halos are contiguous). Only when
/// neither leaves every rank an interior point is another factorisation of
/// `size` taken, the one cutting fewest. Throws partita::InvalidArgument if none
/// fits.
ProcessGrid choose_grid(int size, const int balanced[2], std::size_t nx, std::size_t ny);

/// The interior block of the rank at (coord_row, coord_col) of `grid`.
Block block_of(std::size_t nx, std::size_t ny, ProcessGrid grid, int coord_row, int coord_col);

/// The points a rank contributes to the gathered field: its block, widened
/// by the grid's edge (boundary) rows and columns where the block touches
/// them, so that every point of the grid belongs to exactly one rank.
/// Global rows [row_begin, row_end), columns [col_begin, col_end).
Block owned_region(const Block& block, std::size_t nx, std::size_t ny);

}  // namespace partita::kernels::stencil::detail

// Which points of a block a step updates in which phase: the interior, which
// needs no halo and is updated while the halos travel, and the strip next to
// the halos, updated once they have arrived. Fixed for a block's life.
#pragma once

#include <array>
#include <cstddef>

namespace partita::kernels::stencil::detail {

struct StepPlan {
  /// Local rows [row_begin, row_end) x columns [col_begin, col_end) that need
  /// no halo (a side on the grid's edge has its fixed values in the halo, so
  /// only sides facing a neighbour give up their first row or column). Empty
  /// when begin >= end.
  std::size_t row_begin = 1, row_end = 1, col_begin = 1, col_end = 1;
  /// The strip: whole rows above and below the interior rows (at most one
  /// each), then in every interior row the points [1, col_begin) and
  /// [right_begin, cols + 1). Every point of the block is in exactly one
  /// phase, even in a block one row or column wide.
  std::array<std::size_t, 2> strip_rows{};
  std::size_t strip_row_count = 0;
  std::size_t right_begin = 1;
  std::size_t side_rows = 0;  ///< interior rows with points in the strip: 0 without a left or right neighbour

  std::size_t interior_rows() const noexcept { return row_end > row_begin ? row_end - row_begin : 0; }
  /// Units of strip work: the whole strip rows, then one per side row.
  std::size_t strip_items() const noexcept { return strip_row_count + side_rows; }
};

/// The plan for a block of rows x cols points with neighbours on the given
/// sides (above, below, left, right).
StepPlan plan_step(std::size_t rows, std::size_t cols, bool up, bool down, bool left, bool right);

}  // namespace partita::kernels::stencil::detail

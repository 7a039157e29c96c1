#include "step_plan.hpp"

#include <algorithm>

namespace partita::kernels::stencil::detail {

StepPlan plan_step(std::size_t rows, std::size_t cols, bool up, bool down, bool left, bool right) {
  StepPlan p;
  p.row_begin = up ? 2 : 1;
  p.row_end = rows + (down ? 0 : 1);
  p.col_begin = left ? 2 : 1;
  p.col_end = cols + (right ? 0 : 1);
  // row_begin <= 2 <= rows + 1, so each range below holds one row at most;
  // starting the lower one at max(...) keeps a one-row block from counting
  // its row twice. Likewise for the columns.
  for (std::size_t r = 1; r < p.row_begin; ++r) p.strip_rows[p.strip_row_count++] = r;
  for (std::size_t r = std::max(p.row_end, p.row_begin); r <= rows; ++r) p.strip_rows[p.strip_row_count++] = r;
  p.right_begin = std::max(p.col_end, p.col_begin);
  const bool sides = p.col_begin > 1 || p.right_begin <= cols;
  p.side_rows = sides ? p.interior_rows() : 0;
  return p;
}

}  // namespace partita::kernels::stencil::detail

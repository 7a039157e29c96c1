// What a Heat2D holds, shared by the files that implement it (stepping,
// gathering). Private: the public header stays free of OpenMP and of these
// details.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "field.hpp"
#include "halo_exchange.hpp"
#include "partita/kernels/stencil.hpp"
#include "row_kernels.hpp"
#include "step_plan.hpp"

namespace partita::kernels::stencil::detail {

struct HeatState {
  std::size_t nx = 0;
  std::size_t ny = 0;
  HeatOptions options;
  Block block;
  /// Current and next field; step() swaps them. Both hold the boundary
  /// values in the halo on the grid's edges.
  std::array<Field, 2> fields;
  /// Empty on MPI_COMM_SELF: a single block needs no messages, and then no
  /// MPI call is made at all.
  std::optional<HaloExchange> halo;
  StepPlan plan;
  RowKernels kernels = row_kernels();
  std::uint64_t steps = 0;
  double max_change = 0.0;
  StepTimings timings;

  HeatState(std::size_t nx_, std::size_t ny_, HeatOptions options_, Block block_)
      : nx(nx_),
        ny(ny_),
        options(options_),
        block(block_),
        fields{Field(block_.row_end - block_.row_begin, block_.col_end - block_.col_begin),
               Field(block_.row_end - block_.row_begin, block_.col_end - block_.col_begin)} {}

  Field& current() noexcept { return fields[0]; }
  const Field& current() const noexcept { return fields[0]; }
};

}  // namespace partita::kernels::stencil::detail

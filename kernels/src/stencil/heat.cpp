// Heat2D: construction (decomposition, first touch of the fields, initial
// values) and stepping with the halo exchange overlapped by the interior
// update.
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "heat_state.hpp"
#include "row_kernels.hpp"
#include "thread_split.hpp"
#include "partita/error.hpp"

namespace partita::kernels::stencil {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t polls_per_step = 32;

// A thread must have this many points of the block to update, or it costs
// more than it brings: 2^14 points are some 5-10 us of work, a few times
// what a parallel region and its barriers cost on idle cores. (With cores
// oversubscribed a barrier can cost a whole time slice: tiny blocks on many
// threads would crawl.)
constexpr std::size_t min_points_per_thread = 16384;

double seconds(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

void validate(std::size_t nx, std::size_t ny, const HeatOptions& options) {
  if (nx < 3 || ny < 3) {
    throw InvalidArgument("stencil grid " + std::to_string(nx) + " x " + std::to_string(ny) +
                          ": nx and ny must be >= 3 (an edge all round and at least one interior point)");
  }
  if (!(options.alpha > 0.0 && options.alpha <= 0.25)) {
    throw InvalidArgument("stencil alpha = " + std::to_string(options.alpha) +
                          ": must be in (0, 0.25] (explicit Euler is unstable above 0.25)");
  }
  if (options.threads < 0) {
    throw InvalidArgument("stencil threads = " + std::to_string(options.threads) +
                          ": must be >= 0 (0: omp_get_max_threads())");
  }
}

double update(detail::RowUpdate f, detail::Field& out, const detail::Field& in, std::size_t row, std::size_t begin,
              std::size_t end, double alpha) {
  if (begin >= end) return 0.0;
  return f(out.row(row), in.row(row - 1), in.row(row), in.row(row + 1), begin, end, alpha);
}

// One step: post the halo exchange, update the interior while it travels,
// wait, update the strip next to the halos. Returns this rank's largest
// change when Track, else 0.
template <bool Track>
double advance(detail::HeatState& s) {
  detail::Field& u = s.fields[0];
  detail::Field& v = s.fields[1];
  auto& halo = s.halo;
  const detail::StepPlan& plan = s.plan;
  const double alpha = s.options.alpha;
  const detail::RowUpdate f = Track ? s.kernels.tracked : s.kernels.plain;
  const bool overlap = s.options.overlap;
  const std::size_t cols = u.cols();
  // One MPI_Testall moves a whole message once the neighbour has posted its
  // side; each costs about a microsecond, so the main thread polls some 32
  // times over its share of the rows, not after every row.
  const std::size_t poll_every =
      std::max<std::size_t>(1, plan.interior_rows() / static_cast<std::size_t>(s.options.threads) / polls_per_step);

  const auto t0 = Clock::now();
  if (halo) halo->post(u);
  const auto posted = Clock::now();
  if (halo && !overlap) halo->wait();
  const auto started = Clock::now();
  Clock::time_point interior_done = started;
  Clock::time_point waited = started;
  double change = 0.0;

#pragma omp parallel num_threads(s.options.threads) reduction(max : change)
  {
    const bool main_thread = omp_get_thread_num() == 0;
    const bool poll = main_thread && halo && overlap;
    std::size_t done = 0;
#pragma omp for schedule(static) nowait
    for (std::size_t r = plan.row_begin; r < plan.row_end; ++r) {
      change = std::max(change, update(f, v, u, r, plan.col_begin, plan.col_end, alpha));
      if (poll && ++done % poll_every == 0) halo->progress();
    }
    if (main_thread) {
      interior_done = Clock::now();
      if (halo) halo->wait();
      waited = Clock::now();
    }
    // The halos are in (the wait happened-before this barrier for every thread).
#pragma omp barrier
#pragma omp for schedule(static)
    for (std::size_t k = 0; k < plan.strip_items(); ++k) {
      if (k < plan.strip_row_count) {
        change = std::max(change, update(f, v, u, plan.strip_rows[k], 1, cols + 1, alpha));
      } else {
        const std::size_t r = plan.row_begin + (k - plan.strip_row_count);
        change = std::max(change, update(f, v, u, r, 1, plan.col_begin, alpha));
        change = std::max(change, update(f, v, u, r, plan.right_begin, cols + 1, alpha));
      }
    }
  }
  const auto end = Clock::now();
  s.timings.post += seconds(t0, posted);
  s.timings.wait += seconds(posted, started) + seconds(interior_done, waited);
  s.timings.interior += seconds(started, interior_done);
  s.timings.boundary += seconds(waited, end);
  std::swap(s.fields[0], s.fields[1]);
  ++s.steps;
  return change;
}

// The values of initial() on this rank's block and halo, into both fields,
// each row written first by the thread that will update it. Returns the
// smallest global index (row x nx + col) where initial() was not finite,
// or max() if none; an exception from initial() goes to `error`.
std::size_t fill(detail::HeatState& s, const Initial& initial, std::exception_ptr& error) {
  const std::size_t rows = s.fields[0].rows();
  const std::size_t cols = s.fields[0].cols();
  const std::size_t row0 = s.block.row_begin - 1;
  const std::size_t col0 = s.block.col_begin - 1;
  std::size_t bad = std::numeric_limits<std::size_t>::max();
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(s.options.threads));
#pragma omp parallel num_threads(s.options.threads) reduction(min : bad)
  {
    const auto t = static_cast<std::size_t>(omp_get_thread_num());
#pragma omp for schedule(static)
    for (std::size_t i = 0; i < rows + 2; ++i) {
      if (errors[t]) continue;
      try {
        for (std::size_t j = 0; j < cols + 2; ++j) {
          const double x = initial(row0 + i, col0 + j);
          s.fields[0].row(i)[j] = x;
          s.fields[1].row(i)[j] = x;
          if (!std::isfinite(x)) bad = std::min(bad, (row0 + i) * s.nx + col0 + j);
        }
      } catch (...) {
        errors[t] = std::current_exception();
      }
    }
  }
  for (const auto& e : errors) {
    if (e && !error) error = e;
  }
  return bad;
}

Block single_block(std::size_t nx, std::size_t ny) { return detail::block_of(nx, ny, detail::ProcessGrid{1, 1}, 0, 0); }

// A Context's thread count replaces "0: the caller's OpenMP default", so a
// Runtime built with threads = 1 runs its stencil on one thread.
HeatOptions with_default_threads(HeatOptions options, int threads) {
  if (options.threads == 0) options.threads = threads;
  return options;
}

}  // namespace

Heat2D::Heat2D(MPI_Comm comm, std::size_t nx, std::size_t ny, const Initial& initial, HeatOptions options) {
  validate(nx, ny, options);
  if (options.threads == 0) options.threads = omp_get_max_threads();
  const bool alone = comm == MPI_COMM_SELF;
  detail::ProcessGrid grid;
  int rank = 0;
  if (!alone) {
    int size = 1;
    MPI_Comm_size(comm, &size);
    MPI_Comm_rank(comm, &rank);
    int balanced[2] = {0, 0};
    MPI_Dims_create(size, 2, balanced);
    grid = detail::choose_grid(size, balanced, nx, ny);
  }
  // Cartesian ranks are numbered row-major and the communicator keeps the
  // caller's numbering (no reordering), so the block is known before it.
  const Block block = alone ? single_block(nx, ny) : detail::block_of(nx, ny, grid, rank / grid.cols, rank % grid.cols);
  const std::size_t points = (block.row_end - block.row_begin) * (block.col_end - block.col_begin);
  options.threads = kernels::detail::threads_for(options.threads, points, min_points_per_thread);
  auto state = std::make_unique<detail::HeatState>(nx, ny, options, block);
  const std::size_t rows = state->fields[0].rows();
  const std::size_t cols = state->fields[0].cols();
  if (!alone) {
    state->halo.emplace(comm, grid, rows, cols, state->fields[0].stride());
    const auto& c = state->halo->coords();
    if (c[0] != state->block.coords[0] || c[1] != state->block.coords[1]) {
      throw Error("stencil: MPI_Cart_create placed rank " + std::to_string(rank) +
                  " off its row-major coordinates");
    }
  }
  using H = detail::HaloExchange;
  const auto has = [&state](H::Side side) { return state->halo.has_value() && state->halo->has(side); };
  state->plan = detail::plan_step(rows, cols, has(H::up), has(H::down), has(H::left), has(H::right));

  std::exception_ptr error;
  std::size_t bad = fill(*state, initial, error);
  // Every rank must throw together, or the others would wait in a collective;
  // one reduction finds both the first bad point and the first failing rank.
  constexpr auto none = std::numeric_limits<unsigned long long>::max();
  unsigned long long flags[2] = {bad, error ? static_cast<unsigned long long>(rank) : none};
  if (state->halo) MPI_Allreduce(MPI_IN_PLACE, flags, 2, MPI_UNSIGNED_LONG_LONG, MPI_MIN, state->halo->comm());
  if (flags[1] != none) {
    if (error) std::rethrow_exception(error);
    throw Error("stencil: initial() threw on rank " + std::to_string(flags[1]));
  }
  bad = static_cast<std::size_t>(flags[0]);
  if (bad != std::numeric_limits<std::size_t>::max()) {
                          throw InvalidArgument("stencil initial(" + std::to_string(bad / nx) + ", " + std::to_string(bad % nx) +
                                ") is not finite: every initial and boundary value must be");
  }
  state_ = std::move(state);
}

Heat2D::Heat2D(const Context& ctx, std::size_t nx, std::size_t ny, const Initial& initial, HeatOptions options)
    : Heat2D(ctx.comm(), nx, ny, initial, with_default_threads(options, ctx.threads())) {}

Heat2D::~Heat2D() = default;
Heat2D::Heat2D(Heat2D&&) noexcept = default;
Heat2D& Heat2D::operator=(Heat2D&&) noexcept = default;

double Heat2D::step(std::uint64_t n) {
  if (n == 0) return 0.0;
  for (std::uint64_t i = 1; i < n; ++i) advance<false>(*state_);
  double change = advance<true>(*state_);
  if (state_->halo) MPI_Allreduce(MPI_IN_PLACE, &change, 1, MPI_DOUBLE, MPI_MAX, state_->halo->comm());
  state_->max_change = change;
  return change;
}

std::uint64_t Heat2D::steps() const noexcept { return state_->steps; }
double Heat2D::max_change() const noexcept { return state_->max_change; }
std::size_t Heat2D::nx() const noexcept { return state_->nx; }
std::size_t Heat2D::ny() const noexcept { return state_->ny; }
int Heat2D::threads() const noexcept { return state_->options.threads; }
const Block& Heat2D::block() const noexcept { return state_->block; }
const char* Heat2D::instruction_set() const noexcept { return state_->kernels.isa; }
const StepTimings& Heat2D::timings() const noexcept { return state_->timings; }
void Heat2D::reset_timings() noexcept { state_->timings = {}; }

double Heat2D::at(std::size_t row, std::size_t col) const {
  const Block& b = state_->block;
  if (row + 1 < b.row_begin || row > b.row_end || col + 1 < b.col_begin || col > b.col_end) {
                          throw InvalidArgument("stencil point (" + std::to_string(row) + ", " + std::to_string(col) +
                            ") is outside this rank's block and halo");
  }
  return state_->current().row(row + 1 - b.row_begin)[col + 1 - b.col_begin];
}

}  // namespace partita::kernels::stencil

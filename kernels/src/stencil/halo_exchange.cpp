#include "halo_exchange.hpp"

#include <climits>
#include <string>

#include "partita/detail/mpi_thread_level.hpp"
#include "partita/error.hpp"

namespace partita::kernels::stencil::detail {

namespace {

// A message's tag is the direction it travels, so a receive can only match
// the neighbour's send meant for it.
enum Tag { toward_up = 1, toward_down = 2, toward_left = 3, toward_right = 4 };

int mpi_count(std::size_t n, const char* what) {
  if (n > static_cast<std::size_t>(INT_MAX)) {
    throw InvalidArgument(std::string("stencil block ") + what + " of " + std::to_string(n) +
                          " points is longer than an MPI count (INT_MAX)");
  }
  return static_cast<int>(n);
}

// The main thread calls MPI inside OpenMP parallel regions (polling and
// waiting while the other threads compute): MPI_THREAD_FUNNELED allows that
// from the thread that initialised MPI, and only from it.
void check_thread_level() {
  int provided = MPI_THREAD_SINGLE;
  MPI_Query_thread(&provided);
  if (provided < MPI_THREAD_FUNNELED) {
    throw MpiError(std::string("the stencil's halo exchange needs MPI_THREAD_FUNNELED (the main thread calls MPI "
                               "while OpenMP threads compute) but MPI provides ") +
                   partita::detail::thread_level_name(provided));
  }
  int main_thread = 0;
  MPI_Is_thread_main(&main_thread);
  if (main_thread == 0 && provided < MPI_THREAD_MULTIPLE) {
    throw MpiError(std::string("the stencil must be called from the thread that initialised MPI under ") +
                   partita::detail::thread_level_name(provided) + " (or on MPI_COMM_SELF, which makes no MPI call)");
  }
}

}  // namespace

HaloExchange::HaloExchange(MPI_Comm comm, ProcessGrid grid, std::size_t rows, std::size_t cols, std::size_t stride) {
  check_thread_level();
  const int row_count = mpi_count(rows, "column");
  cols_ = mpi_count(cols, "row");
  const int row_stride = mpi_count(stride, "row stride");
  int dims[2] = {grid.rows, grid.cols};
  int periods[2] = {0, 0};
  MPI_Cart_create(comm, 2, dims, periods, 0, &cart_);
  MPI_Comm_rank(cart_, &rank_);
  MPI_Comm_size(cart_, &size_);
  MPI_Cart_coords(cart_, rank_, 2, coords_.data());
  MPI_Cart_shift(cart_, 0, 1, &neighbour_[up], &neighbour_[down]);
  MPI_Cart_shift(cart_, 1, 1, &neighbour_[left], &neighbour_[right]);
  MPI_Type_vector(row_count, 1, row_stride, MPI_DOUBLE, &column_);
  MPI_Type_commit(&column_);
}

HaloExchange::~HaloExchange() {
  if (active_ > 0) MPI_Waitall(active_, requests_.data(), MPI_STATUSES_IGNORE);
  if (column_ != MPI_DATATYPE_NULL) MPI_Type_free(&column_);
  if (cart_ != MPI_COMM_NULL) MPI_Comm_free(&cart_);
}

void HaloExchange::post(Field& field) {
  const std::size_t rows = field.rows();
  const std::size_t cols = field.cols();
  // Per side: where the neighbour's points land (halo), the points of ours
  // it needs (edge), as what datatype, and the tags of both directions.
  struct Edge {
    Side side;
    double* halo;
    double* edge;
    MPI_Datatype type;
    int count;
    int incoming;
    int outgoing;
  };
  const Edge edges[4] = {
      {up, field.row(0) + 1, field.row(1) + 1, MPI_DOUBLE, cols_, toward_down, toward_up},
      {down, field.row(rows + 1) + 1, field.row(rows) + 1, MPI_DOUBLE, cols_, toward_up, toward_down},
      {left, field.row(1), field.row(1) + 1, column_, 1, toward_right, toward_left},
      {right, field.row(1) + cols + 1, field.row(1) + cols, column_, 1, toward_left, toward_right}};
  active_ = 0;
  // Receives first, so that a neighbour's send finds its match posted.
  for (const Edge& e : edges) {
    if (has(e.side)) MPI_Irecv(e.halo, e.count, e.type, neighbour_[e.side], e.incoming, cart_, &requests_[active_++]);
  }
  for (const Edge& e : edges) {
    if (has(e.side)) MPI_Isend(e.edge, e.count, e.type, neighbour_[e.side], e.outgoing, cart_, &requests_[active_++]);
  }
}

void HaloExchange::progress() {
  if (active_ == 0) return;
  int done = 0;
  MPI_Testall(active_, requests_.data(), &done, MPI_STATUSES_IGNORE);
  if (done != 0) active_ = 0;
}

void HaloExchange::wait() {
  if (active_ > 0) MPI_Waitall(active_, requests_.data(), MPI_STATUSES_IGNORE);
  active_ = 0;
}

}  // namespace partita::kernels::stencil::detail

#include "nbody/nbody_ring.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <utility>

#include "partita/error.hpp"

namespace partita::kernels::nbody::detail {

namespace {

constexpr int ring_tag = 0x6e62;

bool all_finite(const std::vector<double>& values) {
  return std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
}

// The faults this rank can see in its own input; empty if none.
std::string local_problem(const Bodies& local, const Gravity& gravity, int threads) {
  const std::size_t n = local.size();
  const std::vector<const std::vector<double>*> arrays{&local.x, &local.y, &local.z, &local.vx,
                                                       &local.vy, &local.vz, &local.mass};
  if (std::any_of(arrays.begin(), arrays.end(), [n](const auto* a) { return a->size() != n; })) {
    return "the bodies' arrays (x, y, z, vx, vy, vz, mass) must all have the same length";
  }
  if (threads < 1) return "threads = " + std::to_string(threads) + ": must be >= 1";
  if (!std::isfinite(gravity.softening) || !(gravity.softening > 0.0)) {
    return "softening = " + std::to_string(gravity.softening) + ": must be finite and > 0";
  }
  if (!std::isfinite(gravity.g)) return "g = " + std::to_string(gravity.g) + ": must be finite";
  if (!std::all_of(arrays.begin(), arrays.end(), [](const auto* a) { return all_finite(*a); })) {
    return "a position, velocity or mass is not finite";
  }
  // A block travels as one message of 4 doubles per body (an int count).
  if (n > static_cast<std::size_t>(INT_MAX / 4)) {
    return std::to_string(n) + " bodies on one rank: at most " + std::to_string(INT_MAX / 4);
  }
  return {};
}

double max_abs_mass(const Bodies& local) {
  double m = 0.0;
  for (double v : local.mass) m = std::max(m, std::fabs(v));
  return m;
}

}  // namespace

Layout agree(const char* function, const Bodies& local, const Gravity& gravity, int threads, std::string problem,
             MPI_Comm comm) {
  if (problem.empty()) problem = local_problem(local, gravity, threads);
  Layout layout;
  layout.self = comm == MPI_COMM_SELF;
  std::vector<double> all{static_cast<double>(local.size()), problem.empty() ? 0.0 : 1.0, max_abs_mass(local)};
  if (!layout.self) {
    MPI_Comm_rank(comm, &layout.rank);
    MPI_Comm_size(comm, &layout.ranks);
    // One message answers every question: sizes, faults and masses of all.
    const std::vector<double> mine = all;
    all.resize(3 * static_cast<std::size_t>(layout.ranks));
    MPI_Allgather(mine.data(), 3, MPI_DOUBLE, all.data(), 3, MPI_DOUBLE, comm);
  }
  std::string faulty;
  for (int r = 0; r < layout.ranks; ++r) {
    const std::uint64_t count = static_cast<std::uint64_t>(all[3 * r]);
    layout.offsets.push_back(layout.total);
    layout.counts.push_back(count);
    layout.total += count;
    if (all[3 * r + 1] != 0.0) {
      if (!faulty.empty()) faulty += ", ";  // piecewise: GCC 12 -O3 warns falsely on "," + std::string
      faulty += std::to_string(r);
    }
    layout.max_abs_mass = std::max(layout.max_abs_mass, all[3 * r + 2]);
  }
  if (!faulty.empty()) {
    std::string message = std::string(function) + ": ";
    if (!problem.empty()) {
      message += problem;
      if (!layout.self) message += " (rank " + std::to_string(layout.rank) + ")";
    } else {
      message += "invalid input on rank(s) " + faulty + ", whose exceptions say what";
    }
    throw InvalidArgument(message);
  }
  return layout;
}

BlockView view_of(const Bodies& local, const Layout& layout) {
  return {local.x.data(), local.y.data(), local.z.data(), local.mass.data(), local.size(),
          layout.offsets[static_cast<std::size_t>(layout.rank)]};
}

void ring_pass(const Layout& layout, const Bodies& local, MPI_Comm comm,
               const std::function<void(const BlockView&)>& visit) {
  if (layout.ranks == 1) {
    visit(view_of(local, layout));
    return;
  }
  // Blocks travel packed as [x..., y..., z..., mass...].
  const std::uint64_t largest = *std::max_element(layout.counts.begin(), layout.counts.end());
  std::vector<double> current(4 * largest);
  std::vector<double> next(4 * largest);
  const std::size_t n = local.size();
  std::copy(local.x.begin(), local.x.end(), current.begin());
  std::copy(local.y.begin(), local.y.end(), current.begin() + static_cast<std::ptrdiff_t>(n));
  std::copy(local.z.begin(), local.z.end(), current.begin() + static_cast<std::ptrdiff_t>(2 * n));
  std::copy(local.mass.begin(), local.mass.end(), current.begin() + static_cast<std::ptrdiff_t>(3 * n));

  // At step s this rank holds rank (rank + s)'s block: it receives from the
  // right and passes what it has to the left.
  const int left = (layout.rank + layout.ranks - 1) % layout.ranks;
  const int right = (layout.rank + 1) % layout.ranks;
  for (int step = 0; step < layout.ranks; ++step) {
    const auto owner = static_cast<std::size_t>((layout.rank + step) % layout.ranks);
    const std::uint64_t count = layout.counts[owner];
    MPI_Request requests[2] = {MPI_REQUEST_NULL, MPI_REQUEST_NULL};
    if (step + 1 < layout.ranks) {
      const auto coming = static_cast<std::size_t>((layout.rank + step + 1) % layout.ranks);
      MPI_Irecv(next.data(), static_cast<int>(4 * layout.counts[coming]), MPI_DOUBLE, right, ring_tag, comm,
                &requests[0]);
      // Reading a buffer while it is being sent is allowed since MPI-3.
      MPI_Isend(current.data(), static_cast<int>(4 * count), MPI_DOUBLE, left, ring_tag, comm, &requests[1]);
    }
    const double* block = current.data();
    visit({block, block + count, block + 2 * count, block + 3 * count, count, layout.offsets[owner]});
    MPI_Waitall(2, requests, MPI_STATUSES_IGNORE);
    std::swap(current, next);
  }
}

}  // namespace partita::kernels::nbody::detail

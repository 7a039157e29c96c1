#include "partita/kernels/nbody.hpp"

#include <cmath>
#include <numbers>
#include <string>

#include "nbody/nbody_ring.hpp"
#include "thread_split.hpp"
#include "partita/rng.hpp"
#include "partita/error.hpp"

namespace partita::kernels::nbody {

namespace {

using detail::BlockView;
using detail::FixedScale;
using detail::FixedSum;
using detail::Layout;

// Loops over bodies (kicks, drifts, sums) are memory-bound and cheap: a
// thread needs many bodies to repay starting it.
constexpr std::uint64_t bodies_per_thread = 8192;

int body_threads(int threads, std::size_t n) { return kernels::detail::threads_for(threads, n, bodies_per_thread); }

// Largest pull of one unit mass over any distance: max over r of
// r / (r^2 + eps^2)^(3/2) = 2 / (3 sqrt(3) eps^2), at r = eps / sqrt(2).
double max_pull_per_mass(double softening) { return 2.0 / (3.0 * std::sqrt(3.0) * softening * softening); }

void compute_accelerations(const Layout& layout, const Bodies& local, const Gravity& gravity, Accelerations& out,
                           MPI_Comm comm, int threads) {
  const std::size_t n = local.size();
  const double eps2 = gravity.softening * gravity.softening;
  // Every term of every sum is at most this, so the grid is the same on
  // every rank and for every split of the bodies.
  const FixedScale scale = FixedScale::for_bound(static_cast<double>(layout.total) * layout.max_abs_mass *
                                                 max_pull_per_mass(gravity.softening));
  std::vector<FixedSum> ax(n), ay(n), az(n);
  const BlockView targets = detail::view_of(local, layout);
  detail::ring_pass(layout, local, comm, [&](const BlockView& sources) {
    detail::add_accelerations(targets, sources, eps2, scale, ax.data(), ay.data(), az.data(), threads);
  });
  out.x.resize(n);
  out.y.resize(n);
  out.z.resize(n);
#pragma omp parallel for num_threads(body_threads(threads, n)) schedule(static)
  for (std::size_t i = 0; i < n; ++i) {
    out.x[i] = gravity.g * (ax[i].grid_value() * scale.from_grid);
    out.y[i] = gravity.g * (ay[i].grid_value() * scale.from_grid);
    out.z[i] = gravity.g * (az[i].grid_value() * scale.from_grid);
  }
}

void kick(Bodies& local, const Accelerations& acc, double half_dt, int threads) {
  const std::size_t n = local.size();
#pragma omp parallel for num_threads(body_threads(threads, n)) schedule(static)
  for (std::size_t i = 0; i < n; ++i) {
    local.vx[i] += half_dt * acc.x[i];
    local.vy[i] += half_dt * acc.y[i];
    local.vz[i] += half_dt * acc.z[i];
  }
}

void drift(Bodies& local, double dt, int threads) {
  const std::size_t n = local.size();
#pragma omp parallel for num_threads(body_threads(threads, n)) schedule(static)
  for (std::size_t i = 0; i < n; ++i) {
    local.x[i] += dt * local.vx[i];
    local.y[i] += dt * local.vy[i];
    local.z[i] += dt * local.vz[i];
  }
}

// The exact sum over all ranks of each rank's fixed-point sums, the same on
// every rank. Collective unless layout.self.
FixedSum sum_over_ranks(const Layout& layout, const FixedSum& mine, MPI_Comm comm) {
  if (layout.self) return mine;
  const std::int64_t sent[3] = {mine.hi, mine.lo, mine.invalid ? 1 : 0};
  std::vector<std::int64_t> all(3 * static_cast<std::size_t>(layout.ranks));
  MPI_Allgather(sent, 3, MPI_INT64_T, all.data(), 3, MPI_INT64_T, comm);
  FixedSum total;
  for (int r = 0; r < layout.ranks; ++r) {
    FixedSum part;
    part.hi = all[3 * r];
    part.lo = all[3 * r + 1];
    part.invalid = all[3 * r + 2] != 0;
    total.merge(part);
  }
  return total;
}

double max_over_ranks(const Layout& layout, double mine, MPI_Comm comm) {
  double all = mine;
  if (!layout.self) MPI_Allreduce(&mine, &all, 1, MPI_DOUBLE, MPI_MAX, comm);
  return all;
}

// The sum of terms over all bodies of all ranks, exact on a grid chosen from
// the largest term anywhere (a maximum is exact and order-free).
double exact_total(const Layout& layout, const std::vector<double>& terms, MPI_Comm comm) {
  double largest = 0.0;
  for (double t : terms) largest = std::max(largest, std::fabs(t));
  largest = max_over_ranks(layout, largest, comm);
  const FixedScale scale = FixedScale::for_bound(static_cast<double>(layout.total) * largest);
  FixedSum mine;
  for (double t : terms) mine.add_scaled(t * scale.to_grid);
  return sum_over_ranks(layout, mine, comm).grid_value() * scale.from_grid;
}

}  // namespace

void Bodies::resize(std::size_t n) {
  for (auto* a : {&x, &y, &z, &vx, &vy, &vz, &mass}) a->resize(n);
}

Block block_range(std::uint64_t n, int ranks, int rank) {
  if (ranks < 1 || rank < 0 || rank >= ranks) {
    throw InvalidArgument("nbody::block_range: rank " + std::to_string(rank) + " of " + std::to_string(ranks) +
                          ": need 0 <= rank < ranks");
  }
  const std::uint64_t tiles = (n + tile_size - 1) / tile_size;
  const auto p = static_cast<std::uint64_t>(ranks);
  const auto r = static_cast<std::uint64_t>(rank);
  const std::uint64_t first_tile = r * (tiles / p) + std::min(r, tiles % p);
  const std::uint64_t own_tiles = tiles / p + (r < tiles % p ? 1 : 0);
  const std::uint64_t begin = std::min(n, first_tile * tile_size);
  const std::uint64_t end = std::min(n, (first_tile + own_tiles) * tile_size);
  return {begin, end - begin};
}

Bodies uniform_sphere(std::uint64_t n, Block block, std::uint64_t seed, double g) {
  if (block.offset > n || block.count > n - block.offset) {
    throw InvalidArgument("nbody::uniform_sphere: block [" + std::to_string(block.offset) + ", " +
                          std::to_string(block.offset + block.count) + ") lies outside the " +
                          std::to_string(n) + " bodies");
  }
  // Uniform ball of mass 1 and radius 1: W = -3/5 g. Virial equilibrium,
  // K = -W / 2, gives each velocity component variance g / 5.
  const double sigma = std::sqrt(std::fabs(g) / 5.0);
  Bodies bodies;
  bodies.resize(block.count);
  for (std::uint64_t k = 0; k < block.count; ++k) {
    Rng rng(seed, block.offset + k);
    const double radius = std::cbrt(rng.uniform());
    const double cos_theta = rng.uniform(-1.0, 1.0);
    const double sin_theta = std::sqrt(1.0 - cos_theta * cos_theta);
    const double phi = rng.uniform(0.0, 2.0 * std::numbers::pi);
    bodies.x[k] = radius * sin_theta * std::cos(phi);
    bodies.y[k] = radius * sin_theta * std::sin(phi);
    bodies.z[k] = radius * cos_theta;
    bodies.vx[k] = sigma * rng.normal();
    bodies.vy[k] = sigma * rng.normal();
    bodies.vz[k] = sigma * rng.normal();
    bodies.mass[k] = 1.0 / static_cast<double>(n);
  }
  return bodies;
}

void accelerations(const Bodies& local, const Gravity& gravity, Accelerations& out, MPI_Comm comm, int threads) {
  const Layout layout = detail::agree("nbody::accelerations", local, gravity, threads, {}, comm);
  compute_accelerations(layout, local, gravity, out, comm, threads);
}

void leapfrog_step(Bodies& local, Accelerations& acc, double dt, const Gravity& gravity, MPI_Comm comm,
                   int threads) {
  std::string problem;
  if (acc.x.size() != local.size() || acc.y.size() != local.size() || acc.z.size() != local.size()) {
    problem = "acc holds " + std::to_string(acc.size()) + " accelerations for " + std::to_string(local.size()) +
              " bodies: pass those of the current positions (from accelerations() or the previous step)";
  } else if (!std::isfinite(dt)) {
    problem = "dt = " + std::to_string(dt) + ": must be finite";
  }
  // Agree before changing anything, so a bad input leaves every rank's state
  // as it was. The masses, hence the layout, do not change during the step.
  const Layout layout = detail::agree("nbody::leapfrog_step", local, gravity, threads, problem, comm);
  kick(local, acc, 0.5 * dt, threads);
  drift(local, dt, threads);
  compute_accelerations(layout, local, gravity, acc, comm, threads);
  kick(local, acc, 0.5 * dt, threads);
}

Energy energy(const Bodies& local, const Gravity& gravity, MPI_Comm comm, int threads) {
  const Layout layout = detail::agree("nbody::energy", local, gravity, threads, {}, comm);
  const std::size_t n = local.size();
  const double eps2 = gravity.softening * gravity.softening;
  const FixedScale scale = FixedScale::for_bound(static_cast<double>(layout.total) * layout.max_abs_mass /
                                                 gravity.softening);
  std::vector<FixedSum> phi(n);
  const BlockView targets = detail::view_of(local, layout);
  detail::ring_pass(layout, local, comm, [&](const BlockView& sources) {
    detail::add_potentials(targets, sources, eps2, scale, phi.data(), threads);
  });
  // Per body: m v^2 / 2 and m phi / 2 (each pair counted from both ends).
  std::vector<double> kinetic(n);
  std::vector<double> potential(n);
#pragma omp parallel for num_threads(body_threads(threads, n)) schedule(static)
  for (std::size_t i = 0; i < n; ++i) {
    const double v2 = local.vx[i] * local.vx[i] + local.vy[i] * local.vy[i] + local.vz[i] * local.vz[i];
    kinetic[i] = 0.5 * local.mass[i] * v2;
    potential[i] = -0.5 * gravity.g * local.mass[i] * (phi[i].grid_value() * scale.from_grid);
  }
  return {exact_total(layout, kinetic, comm), exact_total(layout, potential, comm)};
}

}  // namespace partita::kernels::nbody

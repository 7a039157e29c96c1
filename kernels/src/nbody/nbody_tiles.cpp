// Compiled with -ffp-contract=off and -fno-math-errno (kernels/CMakeLists.txt).
// Each target's partial sum over a tile is a plain sequence of IEEE
// operations (subtract, multiply, add, sqrt, divide: all correctly rounded),
// vectorised across targets, never across sources, and never fused into
// FMAs. So every instruction set gives the same bits, and with GCC on x86-64
// the hot loop is built three times (SSE2, AVX2, AVX-512), picked at load
// time for the CPU at hand.
#include "nbody/nbody_tiles.hpp"
#include "thread_split.hpp"

#include <algorithm>
#include <cmath>

namespace partita::kernels::nbody::detail {

namespace {

// Targets handled together: a few vectors' worth, whose partial sums stay in
// registers while a whole tile of sources streams past.
constexpr int chunk = 16;

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define PARTITA_NBODY_CLONES __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#else
#define PARTITA_NBODY_CLONES
#endif

struct Chunk {
  alignas(64) double x[chunk];
  alignas(64) double y[chunk];
  alignas(64) double z[chunk];
  std::uint64_t first = 0;  // global index of lane 0
  int lanes = 0;            // real targets; the others are padding at the origin
};

// The partial sums of one chunk of targets over sources [0, count).
PARTITA_NBODY_CLONES
void tile_accelerations(const Chunk& t, const double* xs, const double* ys, const double* zs, const double* ms,
                        std::uint64_t count, double eps2, double* __restrict ax, double* __restrict ay,
                        double* __restrict az) {
  alignas(64) double px[chunk] = {};
  alignas(64) double py[chunk] = {};
  alignas(64) double pz[chunk] = {};
  for (std::uint64_t j = 0; j < count; ++j) {
    const double xj = xs[j];
    const double yj = ys[j];
    const double zj = zs[j];
    const double mj = ms[j];
#pragma omp simd
    for (int i = 0; i < chunk; ++i) {
      const double dx = xj - t.x[i];
      const double dy = yj - t.y[i];
      const double dz = zj - t.z[i];
      const double r2 = dx * dx + dy * dy + dz * dz + eps2;
      const double inv = 1.0 / std::sqrt(r2);
      const double s = mj * (inv * inv * inv);
      px[i] += s * dx;
      py[i] += s * dy;
      pz[i] += s * dz;
    }
  }
  std::copy(px, px + chunk, ax);
  std::copy(py, py + chunk, ay);
  std::copy(pz, pz + chunk, az);
}

// Potentials are a diagnostic, computed once per energy(): one build will do.
void tile_potentials(const Chunk& t, const double* xs, const double* ys, const double* zs, const double* ms,
                     std::uint64_t count, std::uint64_t first_source, double eps2, double* __restrict phi) {
  alignas(64) double p[chunk] = {};
  for (std::uint64_t j = 0; j < count; ++j) {
    const double xj = xs[j];
    const double yj = ys[j];
    const double zj = zs[j];
    const double mj = ms[j];
    const std::uint64_t source = first_source + j;
#pragma omp simd
    for (int i = 0; i < chunk; ++i) {
      const double dx = xj - t.x[i];
      const double dy = yj - t.y[i];
      const double dz = zj - t.z[i];
      const double r2 = dx * dx + dy * dy + dz * dz + eps2;
      // A body does not pull on itself.
      p[i] += source == t.first + static_cast<std::uint64_t>(i) ? 0.0 : mj / std::sqrt(r2);
    }
  }
  std::copy(p, p + chunk, phi);
}

Chunk load_chunk(const BlockView& targets, std::uint64_t c) {
  Chunk t;
  const std::uint64_t first = c * chunk;
  t.first = targets.offset + first;
  t.lanes = static_cast<int>(std::min<std::uint64_t>(chunk, targets.count - first));
  for (int i = 0; i < chunk; ++i) {
    const bool real = i < t.lanes;
    t.x[i] = real ? targets.x[first + i] : 0.0;
    t.y[i] = real ? targets.y[first + i] : 0.0;
    t.z[i] = real ? targets.z[first + i] : 0.0;
  }
  return t;
}

// Calls f(first, count) for the pieces of sources cut at global tile
// boundaries, in order.
template <class F>
void for_each_tile_piece(const BlockView& sources, F&& f) {
  const std::uint64_t end = sources.offset + sources.count;
  for (std::uint64_t start = sources.offset; start < end;) {
    const std::uint64_t stop = std::min(end, (start / tile_size + 1) * tile_size);
    f(start - sources.offset, stop - start);
    start = stop;
  }
}

std::int64_t chunks_of(const BlockView& targets) {
  return static_cast<std::int64_t>((targets.count + chunk - 1) / chunk);
}

// Pair interactions per thread below which a region is not worth starting:
// some 10-20 microseconds of work.
constexpr std::uint64_t interactions_per_thread = 16384;

int threads_for(const BlockView& targets, const BlockView& sources, int threads) {
  const int by_work = kernels::detail::threads_for(threads, targets.count * sources.count, interactions_per_thread);
  return std::max(1, std::min<int>(by_work, static_cast<int>(std::min<std::int64_t>(chunks_of(targets), threads))));
}

}  // namespace

void add_accelerations(const BlockView& targets, const BlockView& sources, double eps2, const FixedScale& scale,
                       FixedSum* ax, FixedSum* ay, FixedSum* az, int threads) {
  const std::int64_t chunks = chunks_of(targets);
  // Each chunk's sums belong to one thread: no sharing.
#pragma omp parallel for num_threads(threads_for(targets, sources, threads)) schedule(static)
  for (std::int64_t c = 0; c < chunks; ++c) {
    const Chunk t = load_chunk(targets, static_cast<std::uint64_t>(c));
    const std::uint64_t first = static_cast<std::uint64_t>(c) * chunk;
    for_each_tile_piece(sources, [&](std::uint64_t begin, std::uint64_t count) {
      alignas(64) double px[chunk];
      alignas(64) double py[chunk];
      alignas(64) double pz[chunk];
      tile_accelerations(t, sources.x + begin, sources.y + begin, sources.z + begin, sources.mass + begin, count,
                         eps2, px, py, pz);
      for (int i = 0; i < t.lanes; ++i) {
        ax[first + i].add_scaled(px[i] * scale.to_grid);
        ay[first + i].add_scaled(py[i] * scale.to_grid);
        az[first + i].add_scaled(pz[i] * scale.to_grid);
      }
    });
  }
}

void add_potentials(const BlockView& targets, const BlockView& sources, double eps2, const FixedScale& scale,
                    FixedSum* phi, int threads) {
  const std::int64_t chunks = chunks_of(targets);
#pragma omp parallel for num_threads(threads_for(targets, sources, threads)) schedule(static)
  for (std::int64_t c = 0; c < chunks; ++c) {
    const Chunk t = load_chunk(targets, static_cast<std::uint64_t>(c));
    const std::uint64_t first = static_cast<std::uint64_t>(c) * chunk;
    for_each_tile_piece(sources, [&](std::uint64_t begin, std::uint64_t count) {
      alignas(64) double p[chunk];
      tile_potentials(t, sources.x + begin, sources.y + begin, sources.z + begin, sources.mass + begin, count,
                      sources.offset + begin, eps2, p);
      for (int i = 0; i < t.lanes; ++i) phi[first + i].add_scaled(p[i] * scale.to_grid);
    });
  }
}

}  // namespace partita::kernels::nbody::detail

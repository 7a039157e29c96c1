// The heat-equation stencil's speed as a fraction of what memory bandwidth
// allows, the bandwidth measured by a STREAM triad in the same run; and,
// on several ranks, how much of the halo exchange the interior update hides.
//
//   stencil_bench [--nx N] [--ny N] [--steps S] [--reps R] [--threads 1,2]
//   mpirun -np 4 stencil_bench ...       (adds the halo table)
//
// Bytes per point (the model): a Jacobi step at best reads each point of u
// once and writes each point of v once, 16 bytes; the rows above and below
// are still in cache from the previous rows. Bound = triad bandwidth / 16.
// Both figures leave out the write-allocate read of the written array, as
// STREAM does (triad: 24 counted, 32 moved; stencil: 16 counted, 24 moved),
// so on a write-allocate machine the stencil tops out near 0.89 of the bound.
#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <sstream>
#include <string>
#include <vector>

#include "partita/kernels/stencil.hpp"
#include "stream_triad.hpp"

namespace {

namespace st = partita::kernels::stencil;

struct Options {
  std::size_t nx = 4096;
  std::size_t ny = 4096;
  std::uint64_t steps = 20;
  int reps = 10;
  std::vector<int> threads{1, 2};
};

const char* usage = "usage: stencil_bench [--nx N] [--ny N] [--steps S] [--reps R] [--threads T1,T2,...]\n";

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    char* end = nullptr;
    const unsigned long long n = std::strtoull(value.c_str(), &end, 10);
    const bool number = !value.empty() && *end == '\0' && n > 0;
    if (flag == "--nx" && number && n >= 3) {
      o.nx = n;
    } else if (flag == "--ny" && number && n >= 3) {
      o.ny = n;
    } else if (flag == "--steps" && number) {
      o.steps = n;
    } else if (flag == "--reps" && number) {
      o.reps = static_cast<int>(n);
    } else if (flag == "--threads") {
      o.threads.clear();
      std::stringstream list(value);
      std::string item;
      while (std::getline(list, item, ',')) {
        const int t = std::atoi(item.c_str());
        if (t < 1) return false;
        o.threads.push_back(t);
      }
      if (o.threads.empty()) return false;
    } else {
      return false;
    }
  }
  return argc % 2 == 1;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 == 1 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

double slowest(double seconds) {
  MPI_Allreduce(MPI_IN_PLACE, &seconds, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  return seconds;
}

double total(double x) {
  MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  return x;
}

double initial(std::size_t row, std::size_t col) { return row == 0 ? 1.0 : (col == 0 ? 0.5 : 0.0); }

// The figures of one thread count against the triad.
struct BoundRun {
  double bandwidth = 0.0;          // triad bytes/s over all ranks: best rep (STREAM's rule)
  double points_per_second = 0.0;  // best rep
  double median_fraction = 0.0;    // median over reps of rate / (bandwidth / 16), each rep's pair back to back
  double fraction() const { return points_per_second / (bandwidth / 16.0); }
};

// One rep = a triad over this rank's share of the grid's points on every rank
// at once (aggregate bandwidth), then `steps` stencil steps. Other jobs on a
// shared machine slow some reps: the best rep of each is the figure (as
// STREAM reports its best pass), and the median of the per-rep ratios shows
// how far load moved it.
BoundRun against_triad(const Options& o, int threads, int size) {
  partita::bench::StreamTriad triad(o.nx * o.ny / static_cast<std::size_t>(size), threads);
  st::Heat2D heat(MPI_COMM_WORLD, o.nx, o.ny, initial, {0.25, threads, true});
  triad.run();
  heat.step(2);  // warm-up: pages, caches, first messages
  std::vector<double> bandwidths, rates, fractions;
  const double points = static_cast<double>((o.nx - 2) * (o.ny - 2)) * static_cast<double>(o.steps);
  for (int r = 0; r < o.reps; ++r) {
    // Barrier to barrier: with more ranks than cores the triads take turns,
    // and only the whole span says what the machine delivered.
    MPI_Barrier(MPI_COMM_WORLD);
    const double start = MPI_Wtime();
    triad.run();
    MPI_Barrier(MPI_COMM_WORLD);
    const double bandwidth = total(triad.bytes()) / slowest(MPI_Wtime() - start);
    const double t0 = MPI_Wtime();
    heat.step(o.steps);
    const double rate = points / slowest(MPI_Wtime() - t0);
    bandwidths.push_back(bandwidth);
    rates.push_back(rate);
    fractions.push_back(rate / (bandwidth / 16.0));
  }
  if (triad.probe() != 7.0) std::fprintf(stderr, "triad: unexpected value %g\n", triad.probe());
  return {*std::max_element(bandwidths.begin(), bandwidths.end()), *std::max_element(rates.begin(), rates.end()),
          median(fractions)};
}

// Per step, mean over ranks, median over reps.
struct HaloRun {
  st::StepTimings with;     // overlap on: `wait` is what the interior update left exposed
  st::StepTimings without;  // overlap off: `wait` is the whole exchange
  double step_with = 0.0;   // slowest rank's seconds per step
  double step_without = 0.0;
  double hidden() const { return without.wait > 0.0 ? 1.0 - with.wait / without.wait : 0.0; }
};

// Two fields, overlap on and off, stepped in alternating reps so that load
// from other jobs falls on both alike.
HaloRun halo_hiding(const Options& o, int threads, int size) {
  st::Heat2D with(MPI_COMM_WORLD, o.nx, o.ny, initial, {0.25, threads, true});
  st::Heat2D without(MPI_COMM_WORLD, o.nx, o.ny, initial, {0.25, threads, false});
  with.step(2);
  without.step(2);
  const double steps = static_cast<double>(o.steps);
  std::vector<double> phases[2][4], step_seconds[2];
  for (int r = 0; r < o.reps; ++r) {
    for (int k = 0; k < 2; ++k) {
      st::Heat2D& heat = k == 0 ? with : without;
      heat.reset_timings();
      MPI_Barrier(MPI_COMM_WORLD);
      const double t0 = MPI_Wtime();
      heat.step(o.steps);
      step_seconds[k].push_back(slowest(MPI_Wtime() - t0) / steps);
      const st::StepTimings& t = heat.timings();
      const double per_rank[4] = {t.post, t.interior, t.wait, t.boundary};
      for (int p = 0; p < 4; ++p) phases[k][p].push_back(total(per_rank[p]) / size / steps);
    }
  }
  HaloRun run;
  for (int k = 0; k < 2; ++k) {
    st::StepTimings& t = k == 0 ? run.with : run.without;
    t = {median(phases[k][0]), median(phases[k][1]), median(phases[k][2]), median(phases[k][3])};
  }
  run.step_with = median(step_seconds[0]);
  run.step_without = median(step_seconds[1]);
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  Options o;
  if (!parse(argc, argv, o)) {
    if (rank == 0) std::fputs(usage, stderr);
    MPI_Finalize();
    return 2;
  }
  try {
    const std::size_t interior = (o.nx - 2) * (o.ny - 2);
    if (rank == 0) {
      std::printf(
          "stencil: %zu x %zu grid (%zu interior points, %.0f MB per field), %d rank(s), %llu steps x %d reps\n", o.nx,
          o.ny, interior, 8e-6 * static_cast<double>(o.nx * o.ny), size, static_cast<unsigned long long>(o.steps),
          o.reps);
      std::printf("model: 16 bytes/point (read u once, write v once); bound = STREAM triad bandwidth / 16\n");
      const st::Heat2D probe(MPI_COMM_SELF, 3, 3, initial, {0.25, 1, true});
      std::printf("row update: %s vectors\n", probe.instruction_set());
      std::printf("each rep: a triad, then the steps; best rep of each (median of the per-rep fractions after)\n");
      std::printf("%8s %12s %14s %16s %9s %9s\n", "threads", "triad GB/s", "bound Gpt/s", "stencil Gpt/s", "fraction",
                  "(median)");
    }
    for (int threads : o.threads) {
      const BoundRun run = against_triad(o, threads, size);
      if (rank == 0) {
        std::printf("%8d %12.2f %14.3f %16.3f %9.3f %9.3f\n", threads, run.bandwidth * 1e-9,
                    run.bandwidth / 16.0 * 1e-9, run.points_per_second * 1e-9, run.fraction(), run.median_fraction);
      }
    }
    if (size > 1) {
      if (rank == 0) {
        std::printf(
            "\nhalo exchange, ms per step (phases: mean over ranks; median over reps, overlap on and off "
            "alternating)\n");
        std::printf("hidden = 1 - (wait with overlap) / (wait without: the whole exchange)\n");
        std::printf("%8s %8s %9s %9s %12s %9s %12s %8s\n", "threads", "post", "interior", "wait", "no-ovl wait", "step",
                    "no-ovl step", "hidden");
      }
      for (int threads : o.threads) {
        const HaloRun run = halo_hiding(o, threads, size);
        if (rank == 0) {
          std::printf("%8d %8.3f %9.3f %9.3f %12.3f %9.3f %12.3f %8.3f\n", threads, 1e3 * run.with.post,
                      1e3 * run.with.interior, 1e3 * run.with.wait, 1e3 * run.without.wait, 1e3 * run.step_with,
                      1e3 * run.step_without, run.hidden());
        }
      }
    }
  } catch (const std::exception& e) {
    // A rank alone in trouble would leave the others in a collective.
    std::fprintf(stderr, "rank %d: %s\n", rank, e.what());
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  MPI_Finalize();
  return 0;
}

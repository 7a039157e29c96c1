// The baseline for bench/pi_throughput.py: the Monte Carlo pi sweep written
// by hand with MPI + OpenMP, the way a user would without Partita. Same
// kernel, same Rng(seed, task id) streams as `partita run`, so its mean
// estimate must equal partita's bit for bit.
//
//   mpirun -np R pi_hand_loop [--tasks N] [--samples S] [--seed K]
//
// Prints one line of key=value pairs on rank 0 (the driver parses it).
#include <mpi.h>
#include <omp.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "partita/kernels/monte_carlo.hpp"
#include "partita/rng.hpp"

namespace {

struct Options {
  std::uint64_t tasks = 1024;
  std::uint64_t samples = 262144;
  std::uint64_t seed = 12345;
};

bool parse_u64(const char* text, std::uint64_t& value) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (end == text || *end != '\0' || errno != 0 || text[0] == '-') return false;
  value = v;
  return true;
}

// Returns an error message, empty when the command line is good.
std::string parse(int argc, char** argv, Options& opts) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    std::uint64_t* target = flag == "--tasks" ? &opts.tasks
                            : flag == "--samples" ? &opts.samples
                            : flag == "--seed" ? &opts.seed
                                               : nullptr;
    if (target == nullptr) return "unknown argument '" + flag + "' (want --tasks N --samples S --seed K)";
    if (i + 1 >= argc || !parse_u64(argv[i + 1], *target)) return flag + " needs a non-negative integer";
    ++i;
  }
  if (opts.tasks == 0 || opts.samples == 0) return "--tasks and --samples must be >= 1";
  // MPI counts are ints; one Rng stream holds 2^33 doubles, 2 per sample.
  if (opts.tasks > INT_MAX) return "--tasks must be <= " + std::to_string(INT_MAX);
  if (opts.samples > (std::uint64_t{1} << 32)) return "--samples must be <= 2^32 (one random stream)";
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  int provided = MPI_THREAD_SINGLE;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  int rank = 0;
  int size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);

  Options opts;
  if (const std::string problem = parse(argc, argv, opts); !problem.empty()) {
    if (rank == 0) std::fprintf(stderr, "pi_hand_loop: %s\n", problem.c_str());
    MPI_Finalize();
    return 2;
  }
  if (provided < MPI_THREAD_FUNNELED) {
    if (rank == 0) std::fprintf(stderr, "pi_hand_loop: MPI lacks MPI_THREAD_FUNNELED\n");
    MPI_Finalize();
    return 1;
  }

  const double start = MPI_Wtime();

  // Static block split of the task ids over ranks, the first (tasks % size)
  // ranks taking one extra: the same shares as partita's default schedule.
  const auto n = opts.tasks;
  const auto ranks = static_cast<std::uint64_t>(size);
  const auto me = static_cast<std::uint64_t>(rank);
  const std::uint64_t first = me * (n / ranks) + std::min(me, n % ranks);
  const std::uint64_t count = n / ranks + (me < n % ranks ? 1 : 0);

  // Every task's estimate at its id, zero elsewhere: a summing reduce then
  // hands rank 0 each estimate exactly (x + 0 == x), in id order.
  std::vector<double> estimates(n, 0.0);
  const double loop_start = MPI_Wtime();
#pragma omp parallel for schedule(static)
  for (std::uint64_t k = 0; k < count; ++k) {
    const std::uint64_t id = first + k;
    partita::Rng rng(opts.seed, id);
    estimates[id] = partita::kernels::monte_carlo::pi(opts.samples, rng).value;
  }
  const double loop_seconds = MPI_Wtime() - loop_start;

  std::vector<double> all(rank == 0 ? n : 0);
  MPI_Reduce(estimates.data(), all.data(), static_cast<int>(n), MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
  const double seconds = MPI_Wtime() - start;

  double slowest_loop = 0.0;
  MPI_Reduce(&loop_seconds, &slowest_loop, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);

  if (rank == 0) {
    // Summed in id order and divided once, as partita's summary.csv does.
    double sum = 0.0;
    for (double e : all) sum += e;
    const double mean = sum / static_cast<double>(n);
    const double total = static_cast<double>(n) * static_cast<double>(opts.samples);
    std::printf(
        "pi_hand_loop ranks=%d threads=%d tasks=%llu samples_per_task=%llu seed=%llu seconds=%.6f "
        "loop_seconds=%.6f samples_per_second=%.6e mean_estimate=%.17g\n",
        size, omp_get_max_threads(), static_cast<unsigned long long>(n),
        static_cast<unsigned long long>(opts.samples), static_cast<unsigned long long>(opts.seed), seconds,
        slowest_loop, total / seconds, mean);
  }
  MPI_Finalize();
  return 0;
}

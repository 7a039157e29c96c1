/* A C host code on an installed Partita, through the C API alone: a
 * reproducible sum of a vector spread over the ranks, the heat equation on a
 * grid split over them, and a Monte Carlo integral. It checks each result
 * and exits non-zero (printing why) if one is off. Plain C99: no C++
 * compiler, flags or headers are needed to build it. */
#include <math.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <partita/c/partita.h>

static void check(partita_status status, const char* what) {
  if (status == PARTITA_OK) return;
  fprintf(stderr, "%s failed (%d): %s\n", what, (int)status, partita_last_error());
  MPI_Abort(MPI_COMM_WORLD, 1);
}

/* Step 0: the top edge at 1, everything else at 0. Called from several
 * threads at once, so a pure function of its arguments. */
static int initial(uint64_t row, uint64_t col, void* user, double* value) {
  (void)col;
  (void)user;
  *value = row == 0 ? 1.0 : 0.0;
  return 0;
}

/* x * y over the unit square: 1/4. */
static int product(const double* x, int dim, void* user, double* value) {
  (void)dim;
  (void)user;
  *value = x[0] * x[1];
  return 0;
}

int main(int argc, char** argv) {
  int provided = 0, rank = 0, size = 1, threads = 1, ok = 1;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  partita_runtime* runtime = NULL;
  check(partita_start(MPI_COMM_WORLD, 0, &runtime), "partita_start");
  check(partita_rank(runtime, &rank, &size, &threads), "partita_rank");

  /* This rank's block of x(i) = i + 1, i = 0 .. n-1: the sum is n (n + 1) / 2. */
  const int64_t n = 100000;
  const int64_t first = n * rank / size, last = n * (rank + 1) / size;
  double* x = malloc(sizeof(double) * (size_t)(last - first + 1));
  for (int64_t i = first; i < last; ++i) x[i - first] = (double)(i + 1);
  double sum = 0.0;
  check(partita_sum(runtime, x, last - first, &sum), "partita_sum");
  free(x);
  if (sum != 0.5 * (double)n * (double)(n + 1)) {
    fprintf(stderr, "rank %d: sum %.17g, expected %.17g\n", rank, sum, 0.5 * (double)n * (double)(n + 1));
    ok = 0;
  }

  partita_heat* heat = NULL;
  check(partita_heat_create(runtime, 32, 24, 0.25, initial, NULL, &heat), "partita_heat_create");
  double change = 0.0;
  check(partita_heat_step(heat, 50, &change), "partita_heat_step");
  check(partita_heat_free(heat), "partita_heat_free");
  if (!(change > 0.0 && change < 1.0)) {
    fprintf(stderr, "rank %d: heat max change %g outside (0, 1)\n", rank, change);
    ok = 0;
  }

  const double lower[2] = {0.0, 0.0}, upper[2] = {1.0, 1.0};
  partita_estimate estimate;
  check(partita_mc_integrate(runtime, product, NULL, 2, lower, upper, 16, 4000, 7, 0.99, &estimate),
        "partita_mc_integrate");
  if (fabs(estimate.value - 0.25) > 0.01) {
    fprintf(stderr, "rank %d: integral %g, expected 0.25\n", rank, estimate.value);
    ok = 0;
  }

  int all_ok = 0;
  MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
  if (rank == 0) {
    printf("partita %s from C on %d ranks x %d threads: sum %.17g, heat change %.6g, integral %.6f\n",
           partita_version(), size, threads, sum, change, estimate.value);
    printf("c-consumer: %s\n", all_ok ? "OK" : "FAILED");
  }
  check(partita_stop(runtime), "partita_stop");
  MPI_Finalize();
  return all_ok ? 0 : 1;
}

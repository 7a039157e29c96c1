/* Partita's C API: the runtime on a caller's communicator, reproducible
 * reductions, the heat-equation stencil and Monte Carlo integration with a
 * C callback, for C and (through ISO_C_BINDING) Fortran codes.
 *
 * Every function returns a partita_status. On anything but PARTITA_OK,
 * partita_last_error() gives a message for the calling thread, valid until
 * that thread's next failing call. Nothing throws across this boundary.
 * Collective functions must be called by every rank of the runtime's
 * communicator, in the same order, from the thread that started it. */
#ifndef PARTITA_C_PARTITA_H
#define PARTITA_C_PARTITA_H

#include <mpi.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum partita_status {
  PARTITA_OK = 0,
  PARTITA_ERROR_ARGUMENT = 1, /* a null pointer, a size or value out of range */
  PARTITA_ERROR_MPI = 2,      /* MPI failed, or is finalised, or offers less than MPI_THREAD_FUNNELED */
  PARTITA_ERROR_CALLBACK = 3, /* a user callback reported an error */
  PARTITA_ERROR_MEMORY = 4,   /* an allocation failed */
  PARTITA_ERROR_INTERNAL = 5  /* anything else: a bug; the message says what */
} partita_status;

/* The calling thread's last error message ("" if none). */
const char* partita_last_error(void);

/* "0.1.0" */
const char* partita_version(void);

/* ---- Runtime ---------------------------------------------------------- */

/* Partita's hold on MPI for one communicator. */
typedef struct partita_runtime partita_runtime;

/* Collective on comm. Adopts MPI when the caller started it (else starts it
 * and finalises it in partita_stop), works on a private duplicate of comm,
 * and uses `threads` OpenMP threads per rank (0: OMP_NUM_THREADS or the
 * affinity mask). */
partita_status partita_start(MPI_Comm comm, int threads, partita_runtime** runtime);
/* The same for a Fortran communicator handle (MPI_Fint, e.g. MPI_COMM_WORLD
 * from `use mpi`). */
partita_status partita_start_f(MPI_Fint comm, int threads, partita_runtime** runtime);
/* Collective. Frees the runtime; a null runtime is allowed. */
partita_status partita_stop(partita_runtime* runtime);

partita_status partita_rank(const partita_runtime* runtime, int* rank, int* size, int* threads);

/* ---- Reductions -------------------------------------------------------- */

/* Collective. Each rank passes its part of the vector (n_local values, 0
 * allowed; x may be NULL then). sum, dot and norm2 are reproducible: the
 * exact result rounded once, so bitwise identical for any number of ranks
 * and threads and any split of the vector (partita/kernels/reduce.hpp).
 * The fast_ ones are an OpenMP + MPI_Allreduce sum: quicker, but their last
 * bits depend on the layout. */
partita_status partita_sum(const partita_runtime* runtime, const double* x, int64_t n_local, double* result);
partita_status partita_dot(const partita_runtime* runtime, const double* x, const double* y, int64_t n_local,
                           double* result);
partita_status partita_norm2(const partita_runtime* runtime, const double* x, int64_t n_local, double* result);
partita_status partita_fast_sum(const partita_runtime* runtime, const double* x, int64_t n_local, double* result);
partita_status partita_fast_dot(const partita_runtime* runtime, const double* x, const double* y, int64_t n_local,
                                double* result);

/* ---- Heat equation stencil ------------------------------------------- */

/* The 2D heat equation by Jacobi iteration on an nx x ny grid split over
 * the runtime's ranks (partita/kernels/stencil.hpp): the field is bitwise
 * identical for any number of ranks and threads. */
typedef struct partita_heat partita_heat;

/* The value of global point (row, col) at step 0 (0-based; row < ny, col <
 * nx); edge points keep it for ever. Writes *value and returns 0, or returns
 * non-zero to fail partita_heat_create with PARTITA_ERROR_CALLBACK (on the
 * ranks where it failed; the others get PARTITA_ERROR_INTERNAL). Called from
 * several threads at once. */
typedef int (*partita_heat_initial)(uint64_t row, uint64_t col, void* user, double* value);

/* Collective. alpha = kappa dt / h^2 in (0, 0.25]; nx, ny >= 3. */
partita_status partita_heat_create(const partita_runtime* runtime, uint64_t nx, uint64_t ny, double alpha,
                                   partita_heat_initial initial, void* user, partita_heat** heat);
/* Collective. Advances `steps` steps; *max_change (may be NULL) gets the
 * largest |new - old| of the last one. */
partita_status partita_heat_step(partita_heat* heat, uint64_t steps, double* max_change);
/* Collective. The ny x nx field, row-major (row = slow index), into `field`
 * on rank `root` (nx * ny doubles); other ranks may pass NULL. */
partita_status partita_heat_gather(const partita_heat* heat, int root, double* field);
/* Collective. Frees the grid; NULL is allowed. */
partita_status partita_heat_free(partita_heat* heat);

/* ---- Monte Carlo ------------------------------------------------------ */

/* The integrand: writes f(x) to *value and returns 0, or returns non-zero
 * to stop the integration with PARTITA_ERROR_CALLBACK. It is called from
 * several threads at once unless the runtime has one thread per rank. */
typedef int (*partita_integrand)(const double* x, int dim, void* user, double* value);

typedef struct partita_estimate {
  double value;     /* the integral */
  double std_error; /* from the spread of the task estimates */
  double ci_low;    /* `confidence` interval: Student's t over the tasks */
  double ci_high;
  uint64_t samples; /* tasks x samples_per_task */
} partita_estimate;

/* Collective. Integrates f over the box [lower, upper] (dim values each)
 * with `tasks` tasks of samples_per_task uniform points; task t draws from
 * its own stream (seed, t), so the result is bitwise the same for any
 * number of ranks and threads. tasks >= 2, 0 < confidence < 1. */
partita_status partita_mc_integrate(const partita_runtime* runtime, partita_integrand f, void* user, int dim,
                                    const double* lower, const double* upper, uint64_t tasks,
                                    uint64_t samples_per_task, uint64_t seed, double confidence,
                                    partita_estimate* result);

#ifdef __cplusplus
}
#endif

#endif /* PARTITA_C_PARTITA_H */

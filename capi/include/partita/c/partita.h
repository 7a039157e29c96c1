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

// How many OpenMP threads a rank should run: the user's request, else
// OMP_NUM_THREADS, else the CPUs the process may run on, and never more than
// those CPUs (a rank bound to one core runs one thread, not two that fight).
#pragma once

#include <string>

namespace partita {

/// CPUs in this process's affinity mask (sched_getaffinity); at least 1.
int cpus_in_affinity_mask();

/// The outcome of choosing a thread count, with the reason it was chosen.
struct ThreadChoice {
  int threads = 1;      ///< threads the rank will run
  int wanted = 1;       ///< what was asked for before clamping
  int cpus = 1;         ///< CPUs in the affinity mask
  std::string source;   ///< "request", "SLURM_CPUS_PER_TASK", "OMP_NUM_THREADS", "NCPUS (PBS)" or "affinity mask"
  bool clamped() const { return wanted > threads; }
};

/// Chooses the thread count. `requested` > 0 wins; otherwise the
/// allocation's: SLURM_CPUS_PER_TASK (a Slurm job with --cpus-per-task),
/// then OMP_NUM_THREADS (its first entry, as OpenMP reads a nested list; PBS
/// sets it from ompthreads), then, in a PBS job (PBS_JOBID set), NCPUS
/// shared by the `ranks_on_node` ranks of this node's chunk; otherwise the
/// affinity mask. The result is clamped to the CPUs in the mask. Not
/// collective.
ThreadChoice choose_threads(int requested, int ranks_on_node = 1);

}  // namespace partita

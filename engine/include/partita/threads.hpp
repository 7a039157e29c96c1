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
  std::string source;   ///< "request", "OMP_NUM_THREADS" or "affinity mask"
  bool clamped() const { return wanted > threads; }
};

/// Chooses the thread count. `requested` > 0 wins; otherwise OMP_NUM_THREADS
/// (its first entry, as OpenMP reads a nested list); otherwise the affinity
/// mask. The result is clamped to the CPUs in the mask. Not collective.
ThreadChoice choose_threads(int requested);

}  // namespace partita

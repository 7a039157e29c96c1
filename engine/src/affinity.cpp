#include "partita/threads.hpp"

#include <omp.h>
#include <sched.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

namespace partita {

int cpus_in_affinity_mask() {
  // With OMP_PROC_BIND/OMP_PLACES set, libgomp pins this (main) thread to
  // its first place at start-up, so its own mask shows one core; the CPUs
  // the process may use are those of its place partition.
  if (omp_get_partition_num_places() > 0) {
    std::vector<int> places(static_cast<std::size_t>(omp_get_partition_num_places()));
    omp_get_partition_place_nums(places.data());
    int cpus = 0;
    for (int place : places) cpus += omp_get_place_num_procs(place);
    if (cpus > 0) return cpus;
  }
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (sched_getaffinity(0, sizeof(mask), &mask) != 0) return 1;
  return std::max(1, CPU_COUNT(&mask));
}

namespace {

// A positive count from the environment, or 0. OMP_NUM_THREADS may be a
// nested list ("4,2"): its outer level comes first.
int count_from_env(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr) return 0;
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (end == text || value < 1 || value > 1 << 20) return 0;
  return static_cast<int>(value);
}

}  // namespace

ThreadChoice choose_threads(int requested, int ranks_on_node) {
  ThreadChoice choice;
  choice.cpus = cpus_in_affinity_mask();
  const int pbs_cpus = std::getenv("PBS_JOBID") != nullptr ? count_from_env("NCPUS") : 0;
  if (requested > 0) {
    choice.wanted = requested;
    choice.source = "request";
  } else if (const int slurm = count_from_env("SLURM_CPUS_PER_TASK"); slurm > 0) {
    choice.wanted = slurm;
    choice.source = "SLURM_CPUS_PER_TASK";
  } else if (const int from_env = count_from_env("OMP_NUM_THREADS"); from_env > 0) {
    choice.wanted = from_env;
    choice.source = "OMP_NUM_THREADS";
  } else if (pbs_cpus > 0) {
    // PBS gives the CPUs of a node's chunk, shared by the ranks placed there.
    choice.wanted = std::max(1, pbs_cpus / std::max(1, ranks_on_node));
    choice.source = "NCPUS (PBS)";
  } else {
    choice.wanted = choice.cpus;
    choice.source = "affinity mask";
  }
  choice.threads = std::min(choice.wanted, choice.cpus);
  return choice;
}

}  // namespace partita

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

// OMP_NUM_THREADS may be a nested list ("4,2"); the outer level is first.
int omp_num_threads_from_env() {
  const char* text = std::getenv("OMP_NUM_THREADS");
  if (text == nullptr) return 0;
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (end == text || value < 1 || value > 1 << 20) return 0;
  return static_cast<int>(value);
}

}  // namespace

ThreadChoice choose_threads(int requested) {
  ThreadChoice choice;
  choice.cpus = cpus_in_affinity_mask();
  if (requested > 0) {
    choice.wanted = requested;
    choice.source = "request";
  } else if (const int from_env = omp_num_threads_from_env(); from_env > 0) {
    choice.wanted = from_env;
    choice.source = "OMP_NUM_THREADS";
  } else {
    choice.wanted = choice.cpus;
    choice.source = "affinity mask";
  }
  choice.threads = std::min(choice.wanted, choice.cpus);
  return choice;
}

}  // namespace partita

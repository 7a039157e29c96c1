#include "partita/threads.hpp"

#include <sched.h>

#include <algorithm>
#include <cstdlib>
#include <string>

namespace partita {

int cpus_in_affinity_mask() {
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

#include "partita/kernels/task_threads.hpp"

#include <omp.h>

#include <string>

#include "partita/error.hpp"

namespace partita::kernels {

int task_threads() {
  const int threads = omp_get_max_threads();
  return threads > 0 ? threads : 1;
}

void check_threads(int threads, const char* function) {
  if (threads < 1) {
    throw InvalidArgument(std::string(function) + ": threads = " + std::to_string(threads) + ": must be >= 1");
  }
}

}  // namespace partita::kernels

// The thread count a kernel uses when the caller does not give one: the
// calling thread's OpenMP thread count, which inside a partita task is the
// task's threads_per_task. Declared here, defined in the library, so that
// kernel headers never need OpenMP.
#pragma once

#include "partita/error.hpp"

namespace partita::kernels {

/// omp_get_max_threads() of the calling thread: the threads its next
/// parallel region would get. Inside partita::for_each (and the launcher's
/// tasks) that is threads_per_task. At least 1. Not collective.
int task_threads();

/// Throws partita::InvalidArgument naming `function` unless threads >= 1.
void check_threads(int threads, const char* function);

}  // namespace partita::kernels

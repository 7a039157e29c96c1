// partita info: where the ranks and threads of this launch may run, and
// what is wrong with it; `partita run --report-bindings` prints the same.
#pragma once

#include "partita/context.hpp"

namespace partita::launch {

struct InfoOptions {
  bool json = false;
  int threads = 0;  ///< > 0 overrides OMP_NUM_THREADS, as for run
};

/// Starts MPI (collective over MPI_COMM_WORLD), prints the bindings on rank
/// 0 and returns an exit code.
int info_command(const InfoOptions& options, int* argc, char*** argv);

/// Collective. Rank 0 prints the table to stdout (or JSON) and the warnings
/// to stderr ("partita: warning: ...").
void report_bindings(const Context& ctx, bool json);

}  // namespace partita::launch

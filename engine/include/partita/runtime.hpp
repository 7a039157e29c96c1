// Partita's hold on MPI. A Runtime adopts MPI when the host already started
// it, otherwise starts it; it works on a private duplicate of the host's
// communicator and finalises only what it began.
#pragma once

#include <mpi.h>

#include <memory>

#include "partita/context.hpp"

namespace partita {

struct RuntimeOptions {
  MPI_Comm comm = MPI_COMM_WORLD;  ///< duplicated; Partita's messages never meet the host's
  int threads = 0;                 ///< > 0 overrides OMP_NUM_THREADS
};

class Runtime {
 public:
  /// Collective on opts.comm. If MPI is not initialised, calls
  /// MPI_Init_thread(MPI_THREAD_FUNNELED) and finalises in the destructor;
  /// if the host initialised it, adopts it and leaves finalising to the host.
  /// Throws MpiError if MPI was finalised or offers less than FUNNELED.
  Runtime(int* argc, char*** argv, RuntimeOptions opts = {});
  explicit Runtime(RuntimeOptions opts = {}) : Runtime(nullptr, nullptr, opts) {}
  ~Runtime();

  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  const Context& context() const noexcept { return *context_; }
  /// The private duplicate of the communicator given in the options.
  MPI_Comm comm() const noexcept { return comm_; }
  /// True when this Runtime called MPI_Init_thread (and so will finalise).
  bool began_mpi() const noexcept { return began_mpi_; }

 private:
  bool began_mpi_ = false;
  MPI_Comm comm_ = MPI_COMM_NULL;
  std::unique_ptr<Context> context_;
};

}  // namespace partita

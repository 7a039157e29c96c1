#include "partita/runtime.hpp"

#include <string>

#include "partita/detail/mpi_thread_level.hpp"
#include "partita/error.hpp"

namespace partita {

namespace {

std::string level_error(int provided) {
  return std::string("Partita needs MPI_THREAD_FUNNELED (only the main thread calls MPI) but MPI provides ") +
         detail::thread_level_name(provided);
}

}  // namespace

Runtime::Runtime(int* argc, char*** argv, RuntimeOptions opts) {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (finalized) throw MpiError("MPI was already finalised; a Runtime cannot start it again");

  int initialized = 0;
  MPI_Initialized(&initialized);
  int provided = MPI_THREAD_SINGLE;
  if (initialized) {
    MPI_Query_thread(&provided);
    if (provided < MPI_THREAD_FUNNELED) throw MpiError(level_error(provided));
  } else {
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
    began_mpi_ = true;
    if (provided < MPI_THREAD_FUNNELED) {
      MPI_Finalize();
      throw MpiError(level_error(provided));
    }
  }
  MPI_Comm_dup(opts.comm, &comm_);
  context_ = std::make_unique<Context>(comm_, opts.threads);
}

Runtime::~Runtime() {
  context_.reset();
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (finalized) return;  // the host finalised under us; nothing left to free
  if (comm_ != MPI_COMM_NULL) MPI_Comm_free(&comm_);
  if (began_mpi_) MPI_Finalize();
}

}  // namespace partita

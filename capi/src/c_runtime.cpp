#include "c_runtime.hpp"

#include <memory>

#include "c_errors.hpp"
#include "partita/version.hpp"
#include "partita/error.hpp"

namespace partita::c_api {

const Context& context_of(const partita_runtime* runtime) {
  require(runtime, "runtime");
  return runtime->runtime.context();
}

}  // namespace partita::c_api

using partita::c_api::guarded;
using partita::c_api::require;

extern "C" {

const char* partita_version(void) { return partita::version_string; }

partita_status partita_start(MPI_Comm comm, int threads, partita_runtime** runtime) {
  return guarded("partita_start", [&] {
    require(runtime, "runtime");
    *runtime = nullptr;
    if (threads < 0) throw partita::InvalidArgument("threads = " + std::to_string(threads) + ": must be >= 0");
    if (comm == MPI_COMM_NULL) throw partita::InvalidArgument("comm is MPI_COMM_NULL");
    *runtime = new partita_runtime{partita::Runtime(partita::RuntimeOptions{comm, threads})};
  });
}

partita_status partita_start_f(MPI_Fint comm, int threads, partita_runtime** runtime) {
  return partita_start(MPI_Comm_f2c(comm), threads, runtime);
}

partita_status partita_stop(partita_runtime* runtime) {
  return guarded("partita_stop", [&] { delete runtime; });
}

partita_status partita_rank(const partita_runtime* runtime, int* rank, int* size, int* threads) {
  return guarded("partita_rank", [&] {
    const partita::Context& ctx = partita::c_api::context_of(runtime);
    if (rank) *rank = ctx.rank();
    if (size) *size = ctx.size();
    if (threads) *threads = ctx.threads();
  });
}

}  // extern "C"

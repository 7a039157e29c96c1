// The reductions of partita/kernels/reduce.hpp behind the C API:
// reproducible (exact, rounded once) and fast, over the runtime's ranks.
#include <cstdint>
#include <span>
#include <string>

#include "c_errors.hpp"
#include "c_runtime.hpp"
#include "partita/kernels/reduce.hpp"
#include "partita/error.hpp"

namespace {

namespace reduce = partita::kernels::reduce;
using partita::c_api::require;

std::span<const double> local_part(const double* x, int64_t n, const char* name) {
  if (n < 0) throw partita::InvalidArgument(std::string(name) + ": n_local = " + std::to_string(n) + " must be >= 0");
  if (n > 0) require(x, name);
  return {x, static_cast<std::size_t>(n)};
}

template <class Reduce>
partita_status one_vector(const char* function, const partita_runtime* runtime, const double* x, int64_t n,
                          double* result, Reduce&& reduce_it) {
  return partita::c_api::guarded(function, [&] {
    const partita::Context& ctx = partita::c_api::context_of(runtime);
    require(result, "result");
    *result = reduce_it(ctx, local_part(x, n, "x"));
  });
}

template <class Reduce>
partita_status two_vectors(const char* function, const partita_runtime* runtime, const double* x,
                           const double* y, int64_t n, double* result, Reduce&& reduce_them) {
  return partita::c_api::guarded(function, [&] {
    const partita::Context& ctx = partita::c_api::context_of(runtime);
    require(result, "result");
    *result = reduce_them(ctx, local_part(x, n, "x"), local_part(y, n, "y"));
  });
}

}  // namespace

extern "C" {

partita_status partita_sum(const partita_runtime* runtime, const double* x, int64_t n_local, double* result) {
  return one_vector("partita_sum", runtime, x, n_local, result,
                    [](const partita::Context& ctx, std::span<const double> v) { return reduce::sum(ctx, v); });
}

partita_status partita_dot(const partita_runtime* runtime, const double* x, const double* y, int64_t n_local,
                           double* result) {
  return two_vectors("partita_dot", runtime, x, y, n_local, result,
                     [](const partita::Context& ctx, std::span<const double> a, std::span<const double> b) {
                       return reduce::dot(ctx, a, b);
                     });
}

partita_status partita_norm2(const partita_runtime* runtime, const double* x, int64_t n_local, double* result) {
  return one_vector("partita_norm2", runtime, x, n_local, result,
                    [](const partita::Context& ctx, std::span<const double> v) { return reduce::norm2(ctx, v); });
}

partita_status partita_fast_sum(const partita_runtime* runtime, const double* x, int64_t n_local, double* result) {
  return one_vector("partita_fast_sum", runtime, x, n_local, result,
                    [](const partita::Context& ctx, std::span<const double> v) { return reduce::fast_sum(ctx, v); });
}

partita_status partita_fast_dot(const partita_runtime* runtime, const double* x, const double* y, int64_t n_local,
                                double* result) {
  return two_vectors("partita_fast_dot", runtime, x, y, n_local, result,
                     [](const partita::Context& ctx, std::span<const double> a, std::span<const double> b) {
                       return reduce::fast_dot(ctx, a, b);
                     });
}

}  // extern "C"

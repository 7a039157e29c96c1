// The threaded loop behind for_each and map_reduce, compiled in the library
// so public headers never need OpenMP.
#pragma once

#include <cstdint>

#include "partita/context.hpp"
#include "partita/detail/function_ref.hpp"
#include "partita/partition.hpp"
#include "partita/work_stats.hpp"

namespace partita::detail {

/// Runs body(id) for every id of this rank's share of [0, n), split across
/// ctx.threads() OpenMP threads. Not collective. If a body throws, threads
/// stop starting ids and the exception of the lowest failing id is rethrown.
WorkStats run_owned(const Context& ctx, std::uint64_t n, Schedule schedule,
                    FunctionRef<void(std::uint64_t)> body);

}  // namespace partita::detail

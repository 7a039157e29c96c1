// The collectives behind map_reduce and gather_owned: moving the values of
// a static partition between ranks without caring which rank computed what.
#pragma once

#include <cstddef>
#include <cstdint>

#include "partita/context.hpp"
#include "partita/partition.hpp"

namespace partita::detail {

/// True on every rank if `failed` is true on any. Collective.
bool any_rank(const Context& ctx, bool failed);

/// Fills `blocks` (n elements of elem_size bytes) on every rank from the
/// elements each rank owns under `schedule`. Collective.
void allgather_owned(const Context& ctx, void* blocks, std::uint64_t n, std::size_t elem_size,
                     Schedule schedule);

/// Gathers each rank's owned elements (packed in IdRange order) into `all`
/// (n elements, id order) on `root`. Collective.
void gather_owned_bytes(const Context& ctx, const void* mine, void* all, std::uint64_t n, std::size_t elem_size,
                        Schedule schedule, int root);

}  // namespace partita::detail

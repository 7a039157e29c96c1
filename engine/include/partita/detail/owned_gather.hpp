// The collectives behind map_reduce and gather_owned: moving the values of
// a static partition between ranks without caring which rank computed what.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "partita/agree.hpp"
#include "partita/context.hpp"
#include "partita/partition.hpp"

namespace partita::detail {

/// Kept for callers written before partita::any_rank was public
/// (partita/agree.hpp); new code calls that one.
using partita::any_rank;

/// Fills `blocks` (n elements of elem_size bytes) on every rank from the
/// elements each rank owns under `partition`. Collective.
void allgather_owned(const Context& ctx, void* blocks, std::uint64_t n, std::size_t elem_size,
                     Partition partition);

/// Gathers each rank's owned elements (packed in IdRange order) into `all`
/// (n elements, id order) on `root`. Collective.
void gather_owned_bytes(const Context& ctx, const void* mine, void* all, std::uint64_t n, std::size_t elem_size,
                        Partition partition, int root);

/// Gathers (id, element) pairs from every rank into `all` (n elements, id
/// order) on `root`; each id in [0, n) comes from one rank at most, and the
/// elements of ids nobody sent are left as they were. Collective.
void gather_by_id_bytes(const Context& ctx, std::span<const std::uint64_t> ids, const void* values,
                        std::size_t elem_size, void* all, std::uint64_t n, int root);

}  // namespace partita::detail

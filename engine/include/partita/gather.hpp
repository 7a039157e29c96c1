// Collects values computed under a static partition onto one rank, in task
// id order, so the rank that writes files sees the whole space.
#pragma once

#include <cstdint>
#include <span>
#include <type_traits>
#include <vector>

#include "partita/context.hpp"
#include "partita/detail/owned_gather.hpp"
#include "partita/partition.hpp"

namespace partita {

/// Each rank passes the `per_id` values of every id it owns under
/// `schedule`, in the order of its IdRange (id mine[k] at k * per_id).
/// Collective on ctx.comm(). Returns all n x per_id values in id order on
/// `root`, and an empty vector elsewhere.
template <class T>
std::vector<T> gather_owned(const Context& ctx, std::span<const T> mine, std::uint64_t n, std::size_t per_id,
                            Schedule schedule, int root = 0) {
  static_assert(std::is_trivially_copyable_v<T>);
  std::vector<T> all(ctx.rank() == root ? n * per_id : 0);
  detail::gather_owned_bytes(ctx, mine.data(), all.data(), n, per_id * sizeof(T), schedule, root);
  return all;
}

}  // namespace partita

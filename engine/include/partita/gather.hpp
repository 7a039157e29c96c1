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
/// `partition`, in the order of its IdRange (id mine[k] at k * per_id).
/// Collective on ctx.comm(). Returns all n x per_id values in id order on
/// `root`, and an empty vector elsewhere.
template <class T>
std::vector<T> gather_owned(const Context& ctx, std::span<const T> mine, std::uint64_t n, std::size_t per_id,
                            Partition partition, int root = 0) {
  static_assert(std::is_trivially_copyable_v<T>);
  std::vector<T> all(ctx.rank() == root ? n * per_id : 0);
  detail::gather_owned_bytes(ctx, mine.data(), all.data(), n, per_id * sizeof(T), partition, root);
  return all;
}

/// Each rank passes the ids it ran (in any order) and their `per_id`
/// values (values[k * per_id ...] belong to ids[k]); an id of [0, n) comes
/// from one rank at most, as after for_each under any schedule. Collective
/// on ctx.comm(). Returns all n x per_id values in id order on `root`, with
/// `missing` for ids no rank sent (a loop that stopped early), and an empty
/// vector elsewhere.
template <class T>
std::vector<T> gather_by_id(const Context& ctx, std::span<const std::uint64_t> ids, std::span<const T> values,
                            std::uint64_t n, std::size_t per_id, int root = 0, T missing = T{}) {
  static_assert(std::is_trivially_copyable_v<T>);
  std::vector<T> all(ctx.rank() == root ? n * per_id : 0, missing);
  detail::gather_by_id_bytes(ctx, ids, values.data(), per_id * sizeof(T), all.data(), n, root);
  return all;
}

}  // namespace partita

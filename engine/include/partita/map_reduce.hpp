// A reduction over task ids whose result is bitwise identical for any number
// of ranks and threads: the combining order is fixed by n and the block
// size alone, never by who computed what.
#pragma once

#include <algorithm>
#include <cstdint>
#include <exception>
#include <type_traits>
#include <vector>

#include "partita/agree.hpp"
#include "partita/context.hpp"
#include "partita/detail/owned_gather.hpp"
#include "partita/detail/parallel_for.hpp"
#include "partita/error.hpp"
#include "partita/partition.hpp"

namespace partita {

/// At most this many reduction blocks by default: enough to spread over many
/// ranks x threads, few enough to gather cheaply.
inline constexpr std::uint64_t max_default_blocks = 4096;

/// The default reduction block size for n ids: ceil(n / 4096), at least 1.
constexpr std::uint64_t reduction_block_size(std::uint64_t n) noexcept {
  return std::max<std::uint64_t>(1, n / max_default_blocks + (n % max_default_blocks != 0));
}

struct ReduceOptions {
  std::uint64_t block_size = 0;        ///< 0: reduction_block_size(n)
  Partition partition = Partition::block;  ///< how blocks spread; never changes the result
};

namespace detail {

// Folds blocks [lo, hi) as a balanced binary tree split at the midpoint.
template <class T, class Reduce>
T tree_fold(const std::vector<T>& blocks, std::uint64_t lo, std::uint64_t hi, Reduce& reduce) {
  if (hi - lo == 1) return blocks[lo];
  const std::uint64_t mid = lo + (hi - lo) / 2;
  return reduce(tree_fold(blocks, lo, mid, reduce), tree_fold(blocks, mid, hi, reduce));
}

}  // namespace detail

/// Combines map(id) over ids [0, n) with reduce. Collective on ctx.comm():
/// every rank calls it with the same n and options and receives the result.
/// Bitwise identical for any number of ranks and threads: ids are cut into
/// blocks of options.block_size, each block is folded left to right in id
/// order, and the block results are folded in a fixed balanced tree on every
/// rank. reduce must be associative up to rounding; T trivially copyable.
/// Returns T{} when n == 0. If map throws on some rank, every rank throws:
/// that rank its own exception, the others partita::Error naming it (see
/// rethrow_on_every_rank).
/// Serial equivalent (up to the tree's grouping):
///   acc = map(0); for (id = 1; id < n; ++id) acc = reduce(acc, map(id));
template <class Map, class Reduce>
auto map_reduce(const Context& ctx, std::uint64_t n, Map&& map, Reduce&& reduce, ReduceOptions options = {}) {
  using T = std::decay_t<std::invoke_result_t<Map&, std::uint64_t>>;
  static_assert(std::is_trivially_copyable_v<T>, "map_reduce gathers results as bytes");
  static_assert(!std::is_same_v<T, bool>, "use int, not bool (std::vector<bool> packs bits)");
  if (n == 0) return T{};

  const std::uint64_t block = options.block_size > 0 ? options.block_size : reduction_block_size(n);
  const std::uint64_t blocks = n / block + (n % block != 0);
  std::vector<T> partial(blocks);
  std::exception_ptr error;
  try {
    detail::run_owned(ctx, blocks, options.partition, [&](std::uint64_t b) {
      const std::uint64_t first = b * block;
      const std::uint64_t last = std::min(n, first + block);
      T acc = map(first);
      for (std::uint64_t id = first + 1; id < last; ++id) acc = reduce(acc, map(id));
      partial[b] = acc;
    });
  } catch (...) {
    error = std::current_exception();
  }
  rethrow_on_every_rank(ctx, error, "map_reduce");
  detail::allgather_owned(ctx, partial.data(), blocks, sizeof(T), options.partition);
  return detail::tree_fold(partial, 0, blocks, reduce);
}

}  // namespace partita

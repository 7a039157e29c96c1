// Runs a function once for every task id of [0, n), spread over the ranks of
// a Context and the OpenMP threads of each rank.
#pragma once

#include <cstdint>
#include <utility>

#include "partita/context.hpp"
#include "partita/detail/parallel_for.hpp"
#include "partita/partition.hpp"
#include "partita/work_stats.hpp"

namespace partita {

/// Calls f(id) exactly once for each id in [0, n), across all ranks of ctx:
/// every rank must call it with the same n and schedule. Not collective (it
/// sends no messages); each rank runs its share, split(all_ids(n), size,
/// rank, schedule), over its threads, and returns what it measured.
/// f runs concurrently on several threads: it must only write state owned by
/// its id (e.g. out[id]). If f throws, this rank stops starting ids and
/// rethrows the exception of its lowest failing id; other ranks are not told.
/// Serial equivalent: for (id = 0; id < n; ++id) f(id);
template <class F>
WorkStats for_each(const Context& ctx, std::uint64_t n, F&& f, Schedule schedule = Schedule::block) {
  return detail::run_owned(ctx, n, schedule, [&f](std::uint64_t id) { f(id); });
}

}  // namespace partita

// Which worker thread of its rank is running the current task, so a task
// body can write to per-worker storage without locks.
#pragma once

namespace partita {

/// Inside a for_each or map_reduce body: this thread's worker index in
/// [0, ctx.threads()). Elsewhere: -1. Not collective.
int current_worker() noexcept;

namespace detail {
/// Set by the engine's loops around each worker's work.
void set_current_worker(int worker) noexcept;
}  // namespace detail

}  // namespace partita

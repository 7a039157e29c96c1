// The communication thread of a dynamic loop: the only thread of a rank
// that calls MPI (MPI_THREAD_FUNNELED: it is the main thread), while the
// rank's worker threads compute. Rank 0's serves chunk requests as they
// arrive, whatever its workers are doing, so no rank ever waits for another
// rank's task to finish; the others keep their rank's queue stocked ahead of
// need, so their workers rarely wait at all.
#pragma once

#include <cstdint>

#include "chunk_queue.hpp"
#include "dispenser.hpp"
#include "partita/context.hpp"
#include "partita/detail/parallel_for.hpp"
#include "partita/progress.hpp"

namespace partita::detail {

/// Rank 0 of a multi-rank loop: answers every other rank until each has
/// been told the work is exhausted, and keeps its own queue stocked.
/// Returns when no message is left in flight.
/// Reports progress through `ticker` (rank 0's main thread is this one).
/// Returns false when auto kept a too-small loop on rank 0.
bool serve_chunks(const Context& ctx, Dispenser& dispenser, ChunkQueue& queue, const CostMeter& meter,
                  ProgressTicker& ticker, const LoopControl& control);

/// Any other rank: requests grants from rank 0 while its queue runs low,
/// until rank 0 says the work is exhausted. Reports this rank's measured
/// cost with each request, and a failure or stop (queue abandoned) so that
/// rank 0 stops handing out work.
void request_chunks(const Context& ctx, ChunkQueue& queue, const CostMeter& meter, const LoopControl& control);

}  // namespace partita::detail

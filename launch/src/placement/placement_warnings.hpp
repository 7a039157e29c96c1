// Warnings about how ranks and threads sit on the machine, printed once by
// rank 0 with the numbers and the fix: threads clamped to a small affinity
// mask, more threads on a node than it has cores, several threads per rank
// with nothing binding them.
#pragma once

#include "partita/context.hpp"

namespace partita::launch {

/// Collective. Rank 0 prints to stderr; nothing is changed.
void warn_about_placement(const Context& ctx);

}  // namespace partita::launch

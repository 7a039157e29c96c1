// --trace FILE: a Chrome trace-event JSON (opens in ui.perfetto.dev or
// chrome://tracing) with one track per rank and worker thread and one slice
// per task, named by its id.
#pragma once

#include <filesystem>
#include <vector>

#include "partita/context.hpp"
#include "run/rank_messages.hpp"
#include "run/task_runner.hpp"

namespace partita::launch {

/// Collective: every rank's slices (by worker) on rank 0, packed by rank.
/// Times are seconds since a common start (after a barrier).
GatheredNumbers gather_trace(const Context& ctx, const std::vector<std::vector<TaskSlice>>& slices);

/// Rank 0: writes the gathered slices to `path` atomically; throws IoError.
void write_trace(const GatheredNumbers& all, const std::filesystem::path& path);

}  // namespace partita::launch

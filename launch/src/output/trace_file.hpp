// --trace FILE: a Chrome trace-event JSON (opens in ui.perfetto.dev or
// chrome://tracing) with one track per rank and worker thread and one slice
// per task, named by its id.
#pragma once

#include <filesystem>
#include <vector>

#include "partita/context.hpp"
#include "run/task_runner.hpp"

namespace partita::launch {

/// Collective: gathers every rank's slices to rank 0, which writes `path`
/// atomically. Times are seconds since a common start (after a barrier).
void write_trace(const Context& ctx, const std::vector<std::vector<TaskSlice>>& slices,
                 const std::filesystem::path& path);

}  // namespace partita::launch

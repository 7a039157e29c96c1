// failures.csv: the tasks that failed every attempt, in task order, with
// their parameters, attempts and message, collected from every rank.
#pragma once

#include <filesystem>
#include <vector>

#include "partita/context.hpp"
#include "run/task_runner.hpp"
#include "spec/task_space.hpp"

namespace partita::launch {

/// Collective: every rank's failures on rank 0, sorted by task (empty elsewhere).
std::vector<TaskFailure> gather_failures(const Context& ctx, const RankResults& results);

/// Writes failures.csv (task, swept parameters, repeat, attempts, crashes,
/// quarantined, message),
/// or removes a stale one when there are no failures.
void write_failures(const std::filesystem::path& dir, const TaskSpace& space,
                    const std::vector<TaskFailure>& failures);

}  // namespace partita::launch

// One attempt of a command task, on the rank's side: asks the fork server
// to start it, streams its stdout and stderr (never more than a bounded
// tail in memory: the last line of stdout, the last 4 KiB of stderr),
// enforces the timeout by killing its process group (SIGTERM, then SIGKILL
// 2 s later), reaps it and reads its outputs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "isolation/fork_server.hpp"
#include "isolation/worker_process.hpp"
#include "spec/job_spec.hpp"

namespace partita::launch {

class TaskLogWriter;

/// What bounds and records one attempt of a command task.
struct CommandLimits {
  double timeout_seconds = 0.0;     ///< 0: none
  TaskLogWriter* log = nullptr;     ///< the rank's log of every task's stdout and stderr (null: none)
};

/// Runs `request`'s command and, when it exits 0, reads the job's outputs
/// into `values` and `texts`. A non-zero exit or an unreadable output is
/// the attempt's problem; a death by signal or a timeout is also a crash.
/// Throws ForkServerLost when the server is gone.
IsolatedAttempt run_command_task(ForkServer& server, const JobSpec& job, const CommandRequest& request,
                                 const ParamSet& params, const CommandLimits& limits, std::span<double> values,
                                 std::vector<std::string>& texts);

}  // namespace partita::launch

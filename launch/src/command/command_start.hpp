// Starting one task's command, in the rank's fork server (a small process
// forked before MPI, so no MPI rank ever forks). The child gets its own
// process group, the worker thread's CPUs, default signal handling, stdin
// from /dev/null and its stdout and stderr on the rank's pipes.
#pragma once

#include <sched.h>
#include <sys/types.h>

#include <cstdint>
#include <string>

#include "command/command_spec.hpp"

namespace partita::launch {

struct JobSpec;
class TaskSpace;

/// Which task to start: fixed-size, it travels over the server's socket.
struct CommandRequest {
  std::uint64_t task = 0;
  std::uint64_t point = 0;       ///< the point's id ({point})
  std::uint64_t spec_point = 0;  ///< where the point stands in the spec's expansion (its parameters)
  std::uint64_t tasks_in_job = 0;  ///< all of the job's tasks: the task directory's fan-out
  std::uint32_t attempt = 1;
  std::int32_t threads = 1;
};

struct CommandStart {
  pid_t pid = -1;       ///< -1: it did not start
  int error = 0;        ///< errno of what failed
  std::string problem;  ///< what failed, for the task's failure message
};

/// What `request`'s command fills its placeholders with; `params` are its
/// point's. Its dir is the task's directory when task_dir, else "".
TaskInvocation task_invocation(const JobSpec& job, const CommandRequest& request, const ParamSet& params);

/// Forks and execs the command (called by the single-threaded fork server;
/// `space` is the job's points in spec order). Creates the task's directory
/// first (task_dir). The exec's own failure is reported through a pipe, so
/// a program that cannot run is a failed start, never a silent exit 127.
CommandStart start_command(const JobSpec& job, const TaskSpace& space, const CommandRequest& request,
                           const cpu_set_t& cpus, int stdout_fd, int stderr_fd);

}  // namespace partita::launch

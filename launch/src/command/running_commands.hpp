// The process groups of the command tasks this rank is running, so that
// the end of a drain's grace period ends them (SIGTERM, then SIGKILL) before
// the rank exits, and their deaths are not mistaken for the tasks' crashes.
#pragma once

#include <sys/types.h>

#include <chrono>

namespace partita::launch {

/// A command's process group, from its start until it is reaped. Thread-safe.
void command_started(pid_t group);
void command_ended(pid_t group);

/// True once abandon_running_commands began: a command that dies now was
/// killed by Partita and must not be journaled (it reruns on resume).
bool abandoning_commands() noexcept;

/// SIGTERM to every running command's group, then SIGKILL to those still
/// running after `grace`. Returns once all have ended or been killed.
void abandon_running_commands(std::chrono::milliseconds grace);

}  // namespace partita::launch

// One attempt at a task: its kernel evaluated on the task's parameters and
// its own random stream (seed, task), so every attempt, on any rank, thread
// or worker process, is the same computation.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "spec/job_spec.hpp"

namespace partita::launch {

/// Writes the kernel's outputs into `out`; returns "" when they are all
/// finite (and integer outputs whole), else why the attempt failed (the
/// kernel's exception message, or the output at fault). Never throws.
std::string attempt_task(const JobSpec& job, const ParamSet& params, std::uint64_t task, std::span<double> out);

}  // namespace partita::launch

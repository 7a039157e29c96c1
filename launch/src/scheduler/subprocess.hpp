// Runs a program (sbatch, qsub, squeue) without a shell and captures what
// it prints: arguments are passed as written, never interpreted.
#pragma once

#include <string>
#include <vector>

namespace partita::launch {

struct ProgramOutput {
  bool ok = false;     ///< it ran and exited with 0
  std::string output;  ///< its stdout, trailing newlines removed; on failure, why it did not run
};

/// posix_spawnp (no fork of this process's memory: safe after MPI_Init on
/// networks that register memory), stdout captured, stderr passed through.
ProgramOutput run_program(const std::string& program, const std::vector<std::string>& args);

}  // namespace partita::launch

// The partita command's exit codes; README.md documents the same table.
#pragma once

namespace partita::launch {

enum ExitCode : int {
  exit_success = 0,      ///< every task ran; all files written
  exit_internal = 1,     ///< an unexpected error (MPI, I/O after start, a bug)
  exit_bad_input = 2,    ///< bad command line, job spec or output directory: nothing ran
  exit_task_failed = 3,  ///< a kernel failed on some task; the message names it
};

}  // namespace partita::launch

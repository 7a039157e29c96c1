// The partita command's exit codes; README.md documents the same table.
#pragma once

namespace partita::launch {

enum ExitCode : int {
  exit_success = 0,      ///< every task ran; all files written
  exit_internal = 1,     ///< an unexpected error (MPI, I/O after start, a bug)
  exit_bad_input = 2,    ///< bad command line, job spec or output directory: nothing ran
  exit_task_failed = 3,  ///< every task ran, but some failed (failures.csv lists them)
  exit_too_many_failures = 4,  ///< more failures than max_failures: stopped early
  exit_io_error = 74,          ///< EX_IOERR: the journal or an output file cannot be written (a full disk)
  exit_interrupted = 75,       ///< EX_TEMPFAIL: a signal or the deadline stopped the job; --resume finishes it
};

}  // namespace partita::launch

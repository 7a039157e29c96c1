// `partita run`: one job from its TOML file to its output directory. The
// options of one run; the command line that sets them is run_command.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "partita/schedule.hpp"
#include "run/progress_printer.hpp"

namespace partita::launch {

struct RunOptions {
  std::string job_file;
  std::string out_dir;  ///< overrides [output] dir when not empty
  int threads = 0;      ///< > 0 overrides OMP_NUM_THREADS
  std::optional<Schedule> schedule;  ///< overrides the job's schedule when set
  std::optional<int> threads_per_task;  ///< overrides the job's; 0 means auto
  bool quiet = false;
  bool warnings = true;    ///< placement warnings; --no-warnings or PARTITA_NO_WARNINGS=1 turn them off
  bool report_bindings = false;  ///< --report-bindings: print partita info's table first
  std::string trace_file;  ///< --trace: Chrome trace-event JSON, when not empty
  ProgressMode progress = ProgressMode::automatic;
  double progress_interval = 0.0;  ///< seconds; 0: 1 s on a terminal, 10 s in a log
  bool resume = false;        ///< finish the job the output directory's journal began
  bool restart = false;       ///< discard the output directory's journal and results first
  bool retry_failed = false;  ///< with resume: run the journaled failures again too
  bool allow_changed_program = false;  ///< with resume: accept a command job's changed program (the journal notes it)
  double grace_seconds = 30;  ///< after a stop signal, how long running tasks may take
  std::optional<double> deadline_seconds;  ///< from the start: start no task that would end later; unset: the
                                           ///< allocation's end, if a scheduler says when it is
  bool journal = true;        ///< --no-journal: a throwaway run, not resumable
  std::uint64_t journal_flush_records = 1024;
  double journal_flush_seconds = 2.0;
  std::string command_line;   ///< as typed, for the resume hint
};

/// Starts (or adopts) MPI, runs the job on every rank and writes the files
/// on rank 0 (run/run_job.cpp). Returns an ExitCode; every rank returns the
/// same one.
int run_job(const RunOptions& options, int* argc, char*** argv);

}  // namespace partita::launch

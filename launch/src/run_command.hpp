// `partita run`: one job from its TOML file to its output directory.
#pragma once

#include <string>

#include <optional>

#include "partita/schedule.hpp"

namespace partita::launch {

struct RunOptions {
  std::string job_file;
  std::string out_dir;  ///< overrides [output] dir when not empty
  int threads = 0;      ///< > 0 overrides OMP_NUM_THREADS
  std::optional<Schedule> schedule;  ///< overrides the job's schedule when set
  bool quiet = false;
};

/// Starts (or adopts) MPI, runs the job on every rank and writes the files
/// on rank 0. Returns an ExitCode; every rank returns the same one.
int run_command(const RunOptions& options, int* argc, char*** argv);

}  // namespace partita::launch

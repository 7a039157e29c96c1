// partita batch JOB.toml --scheduler slurm|pbs ...: writes the batch script
// for a job (batch_script.hpp) and, with --submit, submits it.
#pragma once

#include <string>

#include "scheduler/batch_script.hpp"

namespace partita::launch {

struct BatchRequest {
  std::string job_file;
  std::string output_dir;  ///< overrides the job's [output] dir when not empty
  std::string script;      ///< where to write it; default <output dir>/<name>.<slurm|pbs>.sh
  bool submit = false;
  BatchOptions options;
};

/// Writes the script (and submits it): exit code 0; 2 for a bad job spec or
/// option (one line naming it); 1 when the submission command fails.
int batch_command(const BatchRequest& request);

}  // namespace partita::launch

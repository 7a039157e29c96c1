// partita batch: a complete Slurm or PBS script for a job. It asks for the
// resources (nodes, ranks per node, threads per rank, walltime), sets the
// OpenMP environment, binds each rank to its cores, passes the walltime
// signal to Partita, and when Partita stops early with the resumable exit
// code (75) it submits itself again, so a sweep longer than one allocation
// completes over several without anyone watching.
#pragma once

#include <optional>
#include <string>

namespace partita::launch {

enum class Scheduler { slurm, pbs };
enum class Launcher { srun, mpirun };

struct BatchOptions {
  Scheduler scheduler = Scheduler::slurm;
  int nodes = 1;
  int ranks_per_node = 1;
  int threads = 1;                 ///< OpenMP threads per rank: cores each rank is bound to
  std::string time;                ///< walltime, [D-]HH:MM:SS
  std::string partition;           ///< Slurm partition, PBS queue; "" for the default
  std::string account;             ///< "" for the default
  Launcher launcher = Launcher::srun;  ///< Slurm only; PBS scripts use mpirun
  int max_resubmits = 10;          ///< allocations after the first, at most
  int signal_lead = 120;           ///< Slurm: USR1 this many seconds before the walltime
};

/// What the script runs, as absolute paths.
struct BatchTarget {
  std::string partita;     ///< this executable
  std::string job_file;
  std::string job_name;
  std::string output_dir;
  std::string script;      ///< where the script itself is written: it resubmits that file
};

/// Seconds in a walltime "[D-]HH:MM:SS" (or "MM:SS"); nullopt if malformed.
std::optional<long> walltime_seconds(const std::string& text);

/// Seconds Partita lets running tasks finish after the walltime signal: the
/// signal's lead less a margin for the last writes (30 s, or half the lead
/// when that is shorter).
int grace_for(int signal_lead);

/// The script's text. Options must be valid (see check_batch_options).
std::string batch_script(const BatchOptions& options, const BatchTarget& target);

/// "" when the options can make a script, else what is wrong (naming the option).
std::string check_batch_options(const BatchOptions& options);

}  // namespace partita::launch

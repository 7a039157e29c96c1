// A job's journal: DIR/journal/rank-R.run-K.journal, one file per rank per
// run, holding each task's result or failure as it finishes. It is what
// makes a killed job resumable with any number of ranks: a resume reads
// every file of every earlier run and runs only what none of them finished.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "output/task_table.hpp"
#include "spec/job_spec.hpp"
#include "run/task_runner.hpp"
#include "spec/task_space.hpp"

namespace partita::launch {

/// Where a job's journal files live.
std::filesystem::path journal_dir(const std::filesystem::path& output_dir);

/// The job's identity as key=value lines (kernel, seed, repeat, outputs,
/// version): what a journal must match to be resumed.
std::string job_identity(const JobSpec& job);

/// What a journal file's header holds: job_identity plus "points=N:DIGEST",
/// the digest of the fingerprints of points 0..N-1 (by id) the run knew. A
/// resume accepts a file only if this job's first N points have exactly
/// those parameters: results are never relabelled by a copied file or an
/// edited point table.
std::string journal_identity(const JobSpec& job, const std::vector<std::string>& fingerprints_by_id);
/// The same, for a run that accepted earlier runs' results from other
/// program digests: it notes which, so later resumes need not be told again.
std::string journal_identity(const JobSpec& job, const std::vector<std::string>& fingerprints_by_id,
                             const std::vector<std::string>& accepted_programs);

/// What earlier runs finished, read from every journal file.
struct JournalState {
  TaskTable results;                     ///< every task a result was journaled for
  std::vector<TaskFailure> failures;     ///< tasks whose latest record is a failure
  std::vector<std::uint8_t> crashes;     ///< per task: attempts that killed their worker (at most 255)
  std::uint32_t next_run = 0;            ///< the run number for new files
  std::uint64_t torn_files = 0;          ///< files that ended in a torn record (dropped)
  /// Digests of earlier programs whose results this job accepts
  /// (--allow-changed-program, now or in an earlier resume), sorted.
  std::vector<std::string> accepted_programs;
  bool newly_accepted_programs = false;  ///< this resume accepted one not accepted before
};

/// Reads every journal in `dir`, checking each was written for this job
/// (journal_identity, with `fingerprints_by_id` the job's points by id).
/// Throws SpecError when one was not, or when a file in `dir` is not a
/// journal Partita names, naming the file, what changed and the flags to
/// use; partita::Error when a file cannot be read.
/// A command job whose program's digest differs from a file's is refused
/// (naming the program's files) unless `allow_changed_program`, or a later
/// run's journal notes that it accepted that digest.
JournalState load_journal(const std::filesystem::path& dir, const JobSpec& job,
                          const std::vector<std::string>& fingerprints_by_id, std::uint64_t tasks,
                          bool allow_changed_program = false);

/// Counts for `partita status`: read the files alone, no MPI.
struct JournalSummary {
  std::uint64_t tasks = 0;
  std::uint64_t done = 0;
  std::uint64_t failed = 0;
  std::uint64_t duplicated = 0;  ///< tasks with more than one result record (should be none)
  std::uint64_t crashed = 0;     ///< tasks with at least one crash record (isolation = "process")
  std::uint64_t files = 0;
  std::uint64_t torn_files = 0;
  std::uint32_t runs = 0;
  std::string identity;
};
JournalSummary summarize_journal(const std::filesystem::path& dir);

}  // namespace partita::launch

// One verdict on every rank. Each phase of `partita run` ends with every
// rank saying whether it failed; all ranks then leave with the same failure
// (or none), so no rank returns while another waits in a collective.
#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "partita/context.hpp"
#include "run/job_failure.hpp"

namespace partita::launch {

/// Collective on ctx.comm(). Each rank passes its own failure, if any; every
/// rank returns the failure of the lowest-numbered failing rank, its message
/// prefixed "rank R: " when there are several ranks (and followed by how
/// many other ranks failed), or nullopt when none failed.
/// A failed rank waits at most agreement_patience() for the others: one that
/// never arrives (stuck in a task, or dead without mpirun noticing) cannot
/// agree, so the failed rank prints its message and aborts the job with its
/// code (MPI_Abort). That is the launcher's last resort, never the library's.
/// `name_rank` false: the failure is about the job's files, found by the one
/// rank that reads them (rank 0), and the message needs no rank.
std::optional<JobFailure> agree_on_failure(const Context& ctx, const std::optional<JobFailure>& mine,
                                           bool name_rank = true);

/// A failed rank's guard while it waits for the others to hear of its
/// failure (at an agreement point of its own, or of the engine's): armed
/// with the first failure, it prints it and aborts the job (abort_job) if
/// it is not destroyed within agreement_patience(). Thread-safe.
class FailureWatchdog {
 public:
  explicit FailureWatchdog(const Context& ctx);
  ~FailureWatchdog();  ///< the agreement was reached: disarms
  FailureWatchdog(const FailureWatchdog&) = delete;
  FailureWatchdog& operator=(const FailureWatchdog&) = delete;

  void arm(const JobFailure& failure);

 private:
  const Context& ctx_;
  std::mutex mutex_;
  std::condition_variable agreed_;
  bool done_ = false;
  std::thread thread_;
};

/// Collective: rank 0's exit code, on every rank.
int agree_on_code(const Context& ctx, int code_on_rank_0);

/// Prints `failure` (partita: error: ...) and ends every process of the
/// job with its code: MPI_Abort under several ranks, exit alone. For a
/// failure the other ranks cannot be told about any other way.
[[noreturn]] void abort_job(const Context& ctx, const JobFailure& failure);

/// Seconds a failed rank waits for the others at an agreement point: 10,
/// or PARTITA_AGREEMENT_SECONDS (the tests' way to make it short).
double agreement_patience();

}  // namespace partita::launch

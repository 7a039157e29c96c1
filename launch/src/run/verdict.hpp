// The verdict of a run: one exit code, decided once, on rank 0, from facts
// every rank contributed (commands/exit_codes.hpp; the README's table).
#pragma once

#include <cstdint>

namespace partita::launch {

struct RunFacts {
  std::uint64_t tasks = 0;          ///< in the whole job
  std::uint64_t finished = 0;       ///< with a result or a final failure, this run or earlier ones
  std::uint64_t failed = 0;         ///< final failures among them
  std::uint64_t failure_limit = 0;  ///< max_failures as a count; 0: none
  unsigned stop_reasons = 0;        ///< StopReason bits raised on any rank
  bool journal_failed = false;      ///< some rank's journal could not be written
};

/// In order: a journal that could not be written is 74 (nothing journaled is
/// lost; make room and resume); more failures than max_failures is 4, even
/// when a signal or the deadline came too (a resubmitted job would fail
/// again); a job that did not finish because of a signal, the deadline or a
/// lost fork server is 75 (resumable); every task finished is 0, or 3 when
/// some failed. A job that stopped early for no recorded reason is 1.
int decide_verdict(const RunFacts& facts);

/// max_failures as a count: a fraction (< 1) is of all tasks, at least 1;
/// 0 means no limit.
std::uint64_t failure_limit(double max_failures, std::uint64_t tasks);

}  // namespace partita::launch

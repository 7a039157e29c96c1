#include "run/verdict.hpp"

#include <algorithm>
#include <cmath>

#include "commands/exit_codes.hpp"
#include "run/stop_flag.hpp"

namespace partita::launch {

int decide_verdict(const RunFacts& facts) {
  const bool complete = facts.finished == facts.tasks;
  const auto stopped_for = [&facts](StopReason reason) { return (facts.stop_reasons & static_cast<unsigned>(reason)) != 0; };
  if (facts.journal_failed) return exit_io_error;
  if (!complete && facts.failure_limit > 0 && facts.failed > facts.failure_limit) return exit_too_many_failures;
  if (!complete) {
    if (stopped_for(StopReason::signal) || stopped_for(StopReason::deadline) || stopped_for(StopReason::isolation)) {
      return exit_interrupted;
    }
    return exit_internal;
  }
  return facts.failed > 0 ? exit_task_failed : exit_success;
}

std::uint64_t failure_limit(double max_failures, std::uint64_t tasks) {
  if (max_failures <= 0.0) return 0;
  if (max_failures >= 1.0) return static_cast<std::uint64_t>(max_failures);
  return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(max_failures * static_cast<double>(tasks))));
}

}  // namespace partita::launch

// The verdict of a run, from the facts the ranks agreed on: one exit code,
// whatever combination of stops and failures the run met.
#include <gtest/gtest.h>

#include "commands/exit_codes.hpp"
#include "run/stop_flag.hpp"
#include "run/verdict.hpp"

namespace partita::launch {
namespace {

constexpr unsigned bit(StopReason r) { return static_cast<unsigned>(r); }

RunFacts facts(std::uint64_t finished, std::uint64_t failed, unsigned reasons = 0, std::uint64_t limit = 0) {
  return {100, finished, failed, limit, reasons, false};
}

TEST(Verdict, CompleteRunsAreSuccessOrTaskFailures) {
  EXPECT_EQ(decide_verdict(facts(100, 0)), exit_success);
  EXPECT_EQ(decide_verdict(facts(100, 7)), exit_task_failed);
  // A signal or deadline that came after the last task changes nothing.
  EXPECT_EQ(decide_verdict(facts(100, 0, bit(StopReason::signal))), exit_success);
  EXPECT_EQ(decide_verdict(facts(100, 2, bit(StopReason::deadline))), exit_task_failed);
}

TEST(Verdict, MaxFailuresIsFourEvenWithADeadlineOrSignal) {
  EXPECT_EQ(decide_verdict(facts(40, 6, bit(StopReason::max_failures), 5)), exit_too_many_failures);
  EXPECT_EQ(decide_verdict(facts(40, 6, bit(StopReason::max_failures) | bit(StopReason::deadline), 5)),
            exit_too_many_failures);
  EXPECT_EQ(decide_verdict(facts(40, 6, bit(StopReason::signal), 5)), exit_too_many_failures);
}

TEST(Verdict, ResumableStopsAre75) {
  EXPECT_EQ(decide_verdict(facts(40, 0, bit(StopReason::signal))), exit_interrupted);
  EXPECT_EQ(decide_verdict(facts(40, 3, bit(StopReason::deadline), 5)), exit_interrupted);
  EXPECT_EQ(decide_verdict(facts(40, 0, bit(StopReason::isolation))), exit_interrupted);
}

TEST(Verdict, AJournalThatCannotBeWrittenWinsOverEverything) {
  RunFacts f = facts(40, 9, bit(StopReason::journal) | bit(StopReason::signal), 5);
  f.journal_failed = true;
  EXPECT_EQ(decide_verdict(f), exit_io_error);
}

TEST(Verdict, StoppingEarlyForNoRecordedReasonIsABug) { EXPECT_EQ(decide_verdict(facts(40, 0)), exit_internal); }

TEST(Verdict, FailureLimitFromCountOrFraction) {
  EXPECT_EQ(failure_limit(0, 1000), 0u);
  EXPECT_EQ(failure_limit(5, 1000), 5u);
  EXPECT_EQ(failure_limit(0.01, 1000), 10u);
  EXPECT_EQ(failure_limit(0.0001, 1000), 1u);
}

}  // namespace
}  // namespace partita::launch

// One verdict on every rank: a failure anywhere ends the whole job within
// seconds, with one message and the documented exit code, and a later
// --resume finishes with the bytes of an uninterrupted run. Faults are
// injected with PARTITA_TEST_FAULT (launch/src/run/fault_injection.hpp).
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "cli_checks.hpp"
#include "cli_runner.hpp"
#include "test_dir.hpp"

namespace partita::cli_test {
namespace {

using Clock = std::chrono::steady_clock;

// ~0.4 s of work on two cores: long enough for every phase to be reached.
const char* const job_text =
    "kernel = \"synthetic\"\nseed = 11\nrepeat = 400\n[params]\ndistribution = \"constant\"\nmean_us = 1000\n";

class OneVerdict : public ::testing::Test {
 protected:
  std::string args(const std::string& out_name, const std::string& extra = "") const {
    return "run " + quote(job_.string()) + " --out " + quote((dir_ / out_name).string()) +
           " --quiet --no-warnings " + extra;
  }
  std::string files(const std::string& out_name) const {
    return read_file(dir_ / out_name / "results.csv") + read_file(dir_ / out_name / "summary.csv");
  }
  std::string reference() {
    const auto result = run_shell(partita(args("reference")));
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    return files("reference");
  }
  // Runs `command`, expecting it to end within `limit`.
  CommandResult timed(const std::string& command, int limit_seconds = 30) {
    const auto start = Clock::now();
    auto result = run_shell(command, std::chrono::seconds(limit_seconds + 30));
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    EXPECT_LT(seconds, limit_seconds) << "the job must end within seconds\n" << describe(result);
    return result;
  }

  TestDir dir_;
  fs::path job_ = dir_.write("job.toml", job_text);
};

std::size_t error_lines(const std::string& err) {
  std::size_t count = 0;
  for (const auto& line : lines_of(err)) count += line.rfind("partita: error:", 0) == 0 ? 1 : 0;
  return count;
}

// Bad input under mpiexec: one line of ours (mpiexec adds its own banner).
void expect_refused(const CommandResult& result, const std::vector<std::string>& needles) {
  expect_no_crash_text(result);
  EXPECT_EQ(result.exit_code, 2) << describe(result);
  EXPECT_EQ(error_lines(result.err), 1u) << describe(result);
  for (const auto& needle : needles) EXPECT_NE(result.err.find(needle), std::string::npos) << describe(result);
}

struct Fault {
  const char* points;   ///< PARTITA_TEST_FAULT
  int ranks;
  int code;             ///< the documented exit code
  const char* message;  ///< in the one error line
};

class FaultMatrix : public OneVerdict, public ::testing::WithParamInterface<Fault> {};

TEST_P(FaultMatrix, EndsInSecondsWithOneMessageAndResumesToTheSameBytes) {
  const Fault fault = GetParam();
  const std::string env = std::string("PARTITA_AGREEMENT_SECONDS=3 PARTITA_TEST_FAULT=") + fault.points + " ";
  const std::string uninterrupted = reference();
  for (const char* schedule : {"auto", "static"}) {
    SCOPED_TRACE(schedule);
    const std::string out = std::string("out-") + schedule;
    const auto failed = timed(env + mpiexec_partita(fault.ranks, args(out, std::string("--schedule ") + schedule)));
    EXPECT_EQ(failed.exit_code, fault.code) << describe(failed);
    EXPECT_EQ(error_lines(failed.err), 1u) << "one message, from one rank\n" << describe(failed);
    EXPECT_NE(failed.err.find(fault.message), std::string::npos) << describe(failed);
    EXPECT_FALSE(fs::exists(dir_ / out / "results.csv")) << describe(failed);
    const auto resumed = timed(mpiexec_partita(fault.ranks, args(out, "--resume")));
    EXPECT_EQ(resumed.exit_code, 0) << describe(resumed);
    EXPECT_EQ(files(out), uninterrupted);
  }
}

INSTANTIATE_TEST_SUITE_P(
    EveryPhase, FaultMatrix,
    ::testing::Values(Fault{"prepare@1", 2, 2, "rank 1: injected bad input"},
                      Fault{"journal@1", 3, 74, "rank 1: No space left on device"},
                      Fault{"journal@0,journal@2", 3, 74, "rank 0: No space left on device"},
                      Fault{"loop@0", 2, 1, "rank 0: out of memory"},
                      Fault{"loop@1", 2, 1, "rank 1: out of memory"},
                      Fault{"loop@2", 4, 1, "rank 2: out of memory"},
                      Fault{"collect@1", 2, 1, "rank 1: out of memory"},
                      Fault{"report@0", 2, 74, "No space left on device"},
                      // rank 0 is inside a task that never ends: rank 1
                      // cannot be heard and ends the job itself.
                      Fault{"stuck@0,loop@1", 2, 1, "did not answer within 3 s: aborting the job"}),
    [](const ::testing::TestParamInfo<Fault>& info) {
      std::string name = info.param.points;
      for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      return name + "_np" + std::to_string(info.param.ranks);
    });

TEST_F(OneVerdict, UnwritableTraceFailsBeforeAnyTask) {
  const auto result = timed(mpiexec_partita(2, args("out", "--trace /proc/none/t.json")));
  expect_refused(result, {"partita: error: /proc/none/t.json: --trace", "does not exist"});
  EXPECT_FALSE(fs::exists(dir_ / "out" / "journal" / "rank-0.run-0.journal")) << "no task may run";
}

TEST_F(OneVerdict, StrayFileInTheJournalIsRefusedOnEveryRankAndByStatus) {
  ASSERT_EQ(run_shell(partita(args("out"))).exit_code, 0);
  dir_.write("out/journal/rank-0.run-old.journal", "not a journal\n");
  const std::string stray = (dir_ / "out" / "journal" / "rank-0.run-old.journal").string();
  expect_refused(timed(mpiexec_partita(2, args("out", "--resume"))),
                 {"partita: error: " + stray + ": not a journal file Partita wrote"});
  expect_bad_input(run_shell(partita("status " + quote((dir_ / "out").string()))), stray, {"rank-R.run-K.journal"});
}

TEST_F(OneVerdict, MaxFailuresExits4EvenUnderADeadline) {
  job_ = dir_.write("job.toml", "kernel = \"synthetic\"\nseed = 3\nrepeat = 2000\nmax_failures = 5\n[params]\n"
                                "distribution = \"constant\"\nmean_us = 300\nfail_fraction = 0.05\n");
  for (int ranks : {1, 2, 3}) {
    const auto result = timed(mpiexec_partita(ranks, args("out-" + std::to_string(ranks), "--deadline 1h")));
    EXPECT_EQ(result.exit_code, 4) << describe(result);
    EXPECT_NE(result.err.find("max_failures = 5"), std::string::npos) << describe(result);
    EXPECT_EQ(result.err.find("deadline"), std::string::npos) << describe(result);
  }
}

// A timeout is not part of a job's identity: a resume may give the tasks
// that timed out more time, and when they all succeed every rank says 0.
TEST_F(OneVerdict, RetryThatFixesEveryFailureExits0OnEveryRank) {
  const std::string body = "kernel = \"synthetic\"\nseed = 4\nrepeat = 24\nisolation = \"process\"\n"
                           "quarantine_after = 9\n[params]\ndistribution = \"exponential\"\nmean_us = 20000\n";
  job_ = dir_.write("job.toml", "timeout = \"0.02s\"\n" + body);
  const auto first = timed(mpiexec_partita(2, args("out", "--threads 1")));
  ASSERT_EQ(first.exit_code, 3) << describe(first);
  job_ = dir_.write("job.toml", "timeout = \"30s\"\n" + body);
  const auto retried = timed(mpiexec_partita(2, args("out", "--resume --retry-failed --threads 1")));
  EXPECT_EQ(retried.exit_code, 0) << describe(retried);
  EXPECT_FALSE(fs::exists(dir_ / "out" / "failures.csv")) << describe(retried);
}

TEST_F(OneVerdict, ResumingACompleteRunKeepsItsFiles) {
  ASSERT_EQ(run_shell(partita(args("out"))).exit_code, 0);
  const std::string report = read_file(dir_ / "out" / "report.json");
  const std::string before = files("out");
  const auto again = timed(mpiexec_partita(2, "run " + quote(job_.string()) + " --out " +
                                                  quote((dir_ / "out").string()) + " --no-warnings --resume"));
  EXPECT_EQ(again.exit_code, 0) << describe(again);
  EXPECT_NE(again.err.find("already complete"), std::string::npos) << describe(again);
  EXPECT_NE(again.err.find("nothing to do"), std::string::npos) << describe(again);
  EXPECT_EQ(read_file(dir_ / "out" / "report.json"), report);
  EXPECT_EQ(files("out"), before);
  const auto rerun = run_shell(partita(args("out")));
  expect_bad_input(rerun, "", {"complete run", "--restart"});
}

TEST_F(OneVerdict, JournalCopiedFromAJobWithAnotherFixedParameterIsRefused) {
  const auto other = dir_.write("other.toml", std::string(job_text) + "alpha = 2\n");
  ASSERT_EQ(run_shell(partita("run " + quote(other.string()) + " --out " + quote((dir_ / "other").string()) +
                              " --quiet --no-warnings --threads 1 --journal-flush-records 1"))
                .exit_code,
            0);
  // This job's own run stopped early (the deadline), then a file of the
  // other job is copied in as if it were a later run of this one.
  const auto stopped = run_shell(partita(args("out", "--threads 1 --deadline 0.1")));
  ASSERT_EQ(stopped.exit_code, 75) << describe(stopped);
  fs::copy_file(dir_ / "other" / "journal" / "rank-0.run-0.journal", dir_ / "out" / "journal" / "rank-5.run-7.journal");
  const auto resumed = run_shell(partita(args("out", "--resume")));
  expect_bad_input(resumed, (dir_ / "out" / "journal" / "rank-5.run-7.journal").string(),
                   {"other parameters", "--restart"});
}

TEST_F(OneVerdict, EditedPointTableIsRefused) {
  job_ = dir_.write("job.toml", "kernel = \"synthetic\"\nseed = 2\nrepeat = 3\n[params]\ndistribution = "
                                "\"constant\"\n[sweep]\nmean_us = [10, 20, 30, 40]\n");
  const auto stopped = run_shell(partita(args("out", "--threads 1 --deadline 0")));
  ASSERT_EQ(stopped.exit_code, 75) << describe(stopped);
  const fs::path table = dir_ / "out" / "journal" / "points";
  auto lines = lines_of(read_file(table));
  ASSERT_GE(lines.size(), 4u);
  std::swap(lines[1], lines[2]);
  std::string edited;
  for (const auto& line : lines) edited += line + "\n";
  dir_.write("out/journal/points", edited);
  expect_bad_input(run_shell(partita(args("out", "--resume"))), table.string(), {"edited", "--restart"});
}

TEST_F(OneVerdict, RestartDeletesOnlyPartitasFiles) {
  ASSERT_EQ(run_shell(partita(args("out"))).exit_code, 0);
  dir_.write("out/journal/notes.txt", "my notes\n");
  const auto refused = run_shell(partita(args("out", "--restart")));
  expect_bad_input(refused, (dir_ / "out" / "journal" / "notes.txt").string(), {"deletes only the files Partita wrote"});
  EXPECT_TRUE(fs::exists(dir_ / "out" / "results.csv")) << "nothing is deleted when anything is refused";
  fs::remove(dir_ / "out" / "journal" / "notes.txt");
  dir_.write("out/results.csv", "my own table\n");
  expect_bad_input(run_shell(partita(args("out", "--restart"))), (dir_ / "out" / "results.csv").string(),
                   {"does not begin as the results.csv Partita writes"});
  fs::remove(dir_ / "out" / "results.csv");
  dir_.write("out/mine.dat", "kept\n");
  const auto restarted = run_shell(partita(args("out", "--restart")));
  EXPECT_EQ(restarted.exit_code, 0) << describe(restarted);
  EXPECT_EQ(read_file(dir_ / "out" / "mine.dat"), "kept\n");
}

TEST_F(OneVerdict, OutputDirectoryThatIsASymlinkIsNamed) {
  fs::create_directory(dir_ / "real");
  fs::create_directory_symlink(dir_ / "real", dir_ / "link");
  const auto result = run_shell(partita("run " + quote(job_.string()) + " --out " + quote((dir_ / "link").string()) +
                                        " --no-warnings"));
  EXPECT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_NE(result.err.find("is a symbolic link to"), std::string::npos) << describe(result);
  EXPECT_TRUE(fs::exists(dir_ / "real" / "results.csv"));
}

// Two SIGTERMs to mpirun: it exits at once while the ranks may still be
// writing; a --resume started right away waits for them instead of being
// refused by the lock, and finishes with the same bytes.
TEST_F(OneVerdict, ResumeRightAfterASecondSignalToMpirunWaitsForTheRanks) {
  job_ = dir_.write("job.toml", "kernel = \"synthetic\"\nseed = 6\nrepeat = 120\n[params]\n"
                                "distribution = \"constant\"\nmean_us = 40000\n");
  const std::string uninterrupted = reference();
  const std::string journal = quote((dir_ / "out" / "journal" / "rank-0.run-0.journal").string());
  const auto stopped = run_shell(mpiexec_partita(2, args("out", "--threads 1")) + " & pid=$!; for i in $(seq 600); do [ -e " +
                                 journal + " ] && break; sleep 0.05; done; sleep 0.5; kill -TERM $pid; sleep 0.2; " +
                                 "kill -TERM $pid; wait $pid; " + mpiexec_partita(2, args("out", "--resume")));
  EXPECT_EQ(stopped.exit_code, 0) << describe(stopped);
  EXPECT_EQ(stopped.err.find("is in use by another partita run"), std::string::npos) << describe(stopped);
  EXPECT_EQ(files("out"), uninterrupted);
}

TEST_F(OneVerdict, EmptyOutAndRetryFailedWithoutResumeAreUsageErrors) {
  expect_usage_error(run_shell(partita("run " + quote(job_.string()) + " --out ''")), "", {"--out", "empty"});
  expect_usage_error(run_shell(partita("run " + quote(job_.string()) + " --retry-failed")), "",
                     {"--retry-failed", "--resume"});
  expect_refused(run_shell(mpiexec_partita(2, "run " + quote(job_.string()) + " --resume --restart")),
                 {"--restart", "--resume", "(see 'partita --help')"});
}

}  // namespace
}  // namespace partita::cli_test

// Nothing lost: a job stopped by a signal, a deadline or a full disk keeps
// every journaled task, says how to resume, and a resume with any number of
// ranks ends in the same bytes as a run that was never stopped.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <string>

#include "cli_checks.hpp"
#include "cli_runner.hpp"
#include "test_dir.hpp"

namespace partita::cli_test {
namespace {

// 240 tasks of ~12 ms: about 1.5 s on two cores, so a signal sent after
// 0.3-0.8 s always lands mid-run, even on a fast, quiet machine.
const char* const slow_job =
    "kernel = \"synthetic\"\nseed = 5\nrepeat = 240\n[params]\ndistribution = \"exponential\"\nmean_us = 12000\n";

class Resume : public ::testing::Test {
 protected:
  fs::path job(const std::string& text = slow_job) { return dir_.write("job.toml", text); }
  std::string args(const std::string& out_name, const std::string& extra = "") {
    return "run " + quote(job_.string()) + " --out " + quote((dir_ / out_name).string()) + " --quiet " + extra;
  }
  // Shell that waits (up to 30 s) until the run has started its loop, i.e.
  // rank 0's journal exists: a signal sent earlier could reach mpirun before
  // it has ranks to forward it to, on a slow machine.
  std::string until_started(const std::string& out_name) const {
    const std::string journal = quote((dir_ / out_name / "journal" / "rank-0.run-0.journal").string());
    return "for i in $(seq 600); do [ -e " + journal + " ] && break; sleep 0.05; done; ";
  }
  // Starts `command` in the background and sends `signal` `delay` seconds
  // after its loop started.
  CommandResult interrupt(const std::string& command, const std::string& signal, const std::string& delay) {
    return run_shell(command + " & pid=$!; " + until_started("out") + "sleep " + delay + "; kill -" + signal +
                     " $pid; wait $pid");
  }
  // The bytes an uninterrupted run gives.
  std::string reference() {
    const auto result = run_shell(partita(args("reference", "--threads 2")));
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    return read_file(dir_ / "reference" / "results.csv") + read_file(dir_ / "reference" / "summary.csv");
  }
  std::string finished(const std::string& out_name) {
    return read_file(dir_ / out_name / "results.csv") + read_file(dir_ / out_name / "summary.csv");
  }

  TestDir dir_;
  fs::path job_ = job();
};

TEST_F(Resume, SignalDrainsThenResumeOnOtherRankCountsGivesSameBytes) {
  const auto stopped = interrupt(mpiexec_partita(3, args("out", "--threads 1")), "USR1", "0.6");
  ASSERT_EQ(stopped.exit_code, 75) << describe(stopped);
  EXPECT_NE(stopped.err.find("SIGUSR1: stopped with"), std::string::npos) << describe(stopped);
  EXPECT_NE(stopped.err.find("--resume"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "out" / "results.csv"));
  const std::string report = read_file(dir_ / "out" / "report.json");
  EXPECT_NE(report.find("\"complete\": false"), std::string::npos) << report;

  const auto status = run_shell(partita("status " + quote((dir_ / "out").string())));
  EXPECT_EQ(status.exit_code, 0) << describe(status);
  EXPECT_NE(status.out.find("240 tasks"), std::string::npos) << status.out;

  const auto resumed = run_shell(partita(args("out", "--resume --threads 2")));
  EXPECT_EQ(resumed.exit_code, 0) << describe(resumed);
  EXPECT_EQ(finished("out"), reference());
}

TEST_F(Resume, SigtermOnASingletonAlsoDrains) {
  const auto stopped = interrupt(partita(args("out", "--threads 2")), "TERM", "0.5");
  ASSERT_EQ(stopped.exit_code, 75) << describe(stopped);
  const auto resumed = run_shell(mpiexec_partita(2, args("out", "--resume --threads 1")));
  EXPECT_EQ(resumed.exit_code, 0) << describe(resumed);
  EXPECT_EQ(finished("out"), reference());
}

TEST_F(Resume, TornJournalTailIsDroppedAndItsTaskReruns) {
  const auto stopped = interrupt(partita(args("out", "--threads 1 --journal-flush-records 1")), "INT", "0.5");
  ASSERT_EQ(stopped.exit_code, 75) << describe(stopped);
  // Cut the journal inside its last record, as a crash mid-write would.
  const auto journal = dir_ / "out" / "journal" / "rank-0.run-0.journal";
  ASSERT_TRUE(fs::exists(journal));
  fs::resize_file(journal, fs::file_size(journal) - 7);
  const auto status = run_shell(partita("status " + quote((dir_ / "out").string())));
  EXPECT_NE(status.out.find("torn record, dropped"), std::string::npos) << status.out;
  const auto resumed = run_shell(partita(args("out", "--resume --threads 2")));
  EXPECT_EQ(resumed.exit_code, 0) << describe(resumed);
  EXPECT_EQ(finished("out"), reference());
}

TEST_F(Resume, DeadlineStopsStartingTasksAndResumeFinishes) {
  const auto stopped = run_shell(partita(args("out", "--threads 1 --deadline 0.3")));
  ASSERT_EQ(stopped.exit_code, 75) << describe(stopped);
  EXPECT_NE(stopped.err.find("deadline reached"), std::string::npos) << describe(stopped);
  const auto resumed = run_shell(partita(args("out", "--resume --threads 2")));
  EXPECT_EQ(resumed.exit_code, 0) << describe(resumed);
  EXPECT_EQ(finished("out"), reference());
}

// Started by srun (its step variables set), the resume hint says srun.
TEST_F(Resume, ResumeHintUnderSrunSaysSrun) {
  const auto stopped = run_shell("SLURM_STEP_ID=0 SLURM_STEP_NUM_TASKS=3 PARTITA_JOB_END_TIME=$(( $(date +%s) + 31 )) " +
                                 partita(args("out", "--threads 2")));
  ASSERT_EQ(stopped.exit_code, 75) << describe(stopped);
  EXPECT_NE(stopped.err.find("Resume with:\n  srun -n 3 "), std::string::npos) << describe(stopped);
}

// Under a scheduler the job's end time makes the deadline: here 31 s away,
// less the 30 s margin, so the run stops after about a second.
TEST_F(Resume, AllocationEndTimeIsAnAutomaticDeadline) {
  const auto stopped = run_shell("PARTITA_JOB_END_TIME=$(( $(date +%s) + 31 )) " + partita(args("out", "--threads 2")));
  ASSERT_EQ(stopped.exit_code, 75) << describe(stopped);
  EXPECT_NE(stopped.err.find("the allocation's end is near"), std::string::npos) << describe(stopped);
  EXPECT_EQ(stopped.err.find("Resume with:\n  srun"), std::string::npos) << "not started by srun";
  const auto resumed = run_shell(partita(args("out", "--resume --threads 2")));
  EXPECT_EQ(resumed.exit_code, 0) << describe(resumed);
  EXPECT_EQ(finished("out"), reference());
}

TEST_F(Resume, ChangedJobIsRefusedNamingWhatChanged) {
  ASSERT_EQ(interrupt(partita(args("out", "--threads 1")), "TERM", "0.3").exit_code, 75);
  job_ = dir_.write("job.toml", std::string(slow_job).replace(std::string(slow_job).find("seed = 5"), 8, "seed = 6"));
  const auto refused = run_shell(partita(args("out", "--resume")));
  expect_bad_input(refused, "", {"seed (journal 5, now 6)", "--restart"});
}

TEST_F(Resume, RetryFailedRunsOnlyTheFailures) {
  job_ = dir_.write("job.toml", "kernel = \"synthetic\"\nseed = 2\nrepeat = 40\n[params]\ndistribution = "
                                "\"constant\"\nmean_us = 10\nfail_fraction = 0.25\n");
  const auto first = run_shell(partita(args("out")));
  ASSERT_EQ(first.exit_code, 3) << describe(first);
  const std::string failures = read_file(dir_ / "out" / "failures.csv");
  const std::string report = read_file(dir_ / "out" / "report.json");
  const auto plain = run_shell(partita(args("out", "--resume")));
  EXPECT_EQ(plain.exit_code, 3) << "nothing left to run; the failures stand\n" << describe(plain);
  EXPECT_EQ(read_file(dir_ / "out" / "report.json"), report) << "the finished run's report is kept";
  const auto retried = run_shell(partita(args("out", "--resume --retry-failed")));
  EXPECT_EQ(retried.exit_code, 3) << "the same computation fails again\n" << describe(retried);
  EXPECT_EQ(read_file(dir_ / "out" / "failures.csv"), failures);
}

// A full disk (here a 4 MiB file-size limit: the same failed-write path as
// ENOSPC, and room enough for MPI's own files) stops the run with exit 74
// and keeps what the journal holds. 150,000 tiny tasks journal ~7 MB.
TEST_F(Resume, UnwritableJournalStopsWithIoErrorAndLosesNothing) {
  job_ = dir_.write("job.toml", "kernel = \"pi\"\nseed = 8\nrepeat = 150000\n[params]\nsamples = 1\n");
  const auto full = run_shell("trap '' XFSZ; ulimit -f 8192; " + partita(args("out", "--threads 1")));
  ASSERT_EQ(full.exit_code, 74) << describe(full);
  EXPECT_NE(full.err.find("tasks are safe in the journal"), std::string::npos) << describe(full);
  const auto resumed = run_shell(partita(args("out", "--resume --threads 2")));
  EXPECT_EQ(resumed.exit_code, 0) << describe(resumed);
  EXPECT_EQ(finished("out"), reference());
}

// One run per output directory: a second one is refused while the first
// holds the lock, and the first is unharmed.
TEST_F(Resume, SecondRunOnTheSameDirectoryIsRefused) {
  const auto both = run_shell(partita(args("out", "--threads 1")) + " & first=$!; sleep 0.4; " +
                              partita(args("out", "--resume")) + "; second=$?; wait $first; first_rc=$?; " +
                              "echo second=$second first=$first_rc");
  EXPECT_NE(both.out.find("second=2 first=0"), std::string::npos) << describe(both);
  EXPECT_NE(both.err.find("is in use by another partita run (pid "), std::string::npos) << describe(both);
  EXPECT_EQ(finished("out"), reference());
}

// Tasks this run ran, summed over its ranks (report.json's per-rank lines).
std::uint64_t tasks_run(const fs::path& report) {
  const std::string text = read_file(report);
  const std::regex per_rank(R"(\{"rank": \d+, "node_rank": \d+, "threads": \d+, "workers": \d+, "tasks": (\d+))");
  std::uint64_t tasks = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), per_rank); it != std::sregex_iterator(); ++it) {
    tasks += std::stoull((*it)[1].str());
  }
  return tasks;
}

std::string pi_sweep(const std::string& samples) {
  return "kernel = \"pi\"\nseed = 4\nrepeat = 3\n[sweep]\nsamples = [" + samples + "]\n";
}

// A sweep extended with new points keeps its old points' ids and journaled
// results; the resume runs only the new points, numbered after the old ones.
TEST_F(Resume, ExtendedSweepRunsOnlyItsNewPoints) {
  job_ = job(pi_sweep("1000, 2000, 3000"));
  ASSERT_EQ(run_shell(mpiexec_partita(2, args("out", "--threads 1"))).exit_code, 0);
  const auto before = lines_of(read_file(dir_ / "out" / "results.csv"));
  job_ = job(pi_sweep("500, 1000, 2000, 2500, 3000, 4000"));
  const auto resumed = run_shell(partita("run " + quote(job_.string()) + " --out " + quote((dir_ / "out").string()) +
                                         " --resume --threads 2"));
  ASSERT_EQ(resumed.exit_code, 0) << describe(resumed);
  EXPECT_NE(resumed.err.find("the sweep gained 3 point(s)"), std::string::npos) << describe(resumed);
  EXPECT_EQ(tasks_run(dir_ / "out" / "report.json"), 9u) << "3 new points x repeat 3";
  const auto after = lines_of(read_file(dir_ / "out" / "results.csv"));
  ASSERT_EQ(after.size(), 1 + 18u);
  for (std::size_t i = 0; i < before.size(); ++i) EXPECT_EQ(after[i], before[i]) << "old task rows keep id and bytes";
  // New points follow in the spec's order: 500, 2500, 4000.
  EXPECT_EQ(split_csv(after[10])[1], "500");
  EXPECT_EQ(split_csv(after[13])[1], "2500");
  EXPECT_EQ(split_csv(after[16])[1], "4000");
  const auto status = run_shell(partita("status " + quote((dir_ / "out").string())));
  EXPECT_NE(status.out.find("18 tasks: 18 done, 0 failed, 0 remaining, 0 duplicated"), std::string::npos)
      << status.out;
}

// Values added at the end of a one-axis sweep get the ids a fresh run of the
// longer sweep gives them: the resumed job is byte-identical to that run.
TEST_F(Resume, SweepExtendedAtItsEndMatchesAFreshRunOfTheLongerSweep) {
  job_ = job(pi_sweep("1000, 2000"));
  ASSERT_EQ(run_shell(partita(args("out", "--threads 2"))).exit_code, 0);
  job_ = job(pi_sweep("1000, 2000, 3000, 4000"));
  const auto resumed = run_shell(mpiexec_partita(3, args("out", "--resume --threads 1")));
  ASSERT_EQ(resumed.exit_code, 0) << describe(resumed);
  EXPECT_EQ(tasks_run(dir_ / "out" / "report.json"), 6u);
  EXPECT_EQ(finished("out"), reference());
}

TEST_F(Resume, SweepThatLostPointsIsRefused) {
  job_ = job(pi_sweep("1000, 2000, 3000"));
  ASSERT_EQ(run_shell(partita(args("out", "--threads 2"))).exit_code, 0);
  job_ = job(pi_sweep("1000, 3000, 5000"));
  const auto refused = run_shell(partita(args("out", "--resume")));
  expect_bad_input(refused, (dir_ / "out" / "journal" / "points").string(),
                   {"1 of the journal's 3 sweep points are not in the job any more (the first is point 1)",
                    "--restart"});
}

// A rank killed outright (no isolation) does not leave the others hanging:
// the job ends within seconds naming the rank, and a resume finishes it.
TEST_F(Resume, KilledRankEndsTheJobAndResumeFinishes) {
  const auto killed = run_shell(mpiexec_partita(3, args("out", "--threads 1")) +
                                " & launcher=$!; " + until_started("out") +
                                "sleep 0.3; victim=$(pgrep -P $launcher | sed -n 2p); "
                                "kill -KILL $victim; start=$(date +%s); wait $launcher; rc=$?; "
                                "echo rc=$rc took=$(( $(date +%s) - start ))");
  EXPECT_EQ(killed.out.find("rc=0"), std::string::npos) << describe(killed);
  const auto took = killed.out.substr(killed.out.find("took=") + 5);
  EXPECT_LE(std::stoi(took), 10) << describe(killed);
  EXPECT_NE(killed.err.find("rank"), std::string::npos) << describe(killed);
  const auto resumed = run_shell(partita(args("out", "--resume --threads 2")));
  EXPECT_EQ(resumed.exit_code, 0) << describe(resumed);
  EXPECT_EQ(finished("out"), reference());
}

}  // namespace
}  // namespace partita::cli_test

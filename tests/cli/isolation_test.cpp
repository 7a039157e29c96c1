// isolation = "process": a kernel that segfaults, aborts, exits or hangs
// fails that attempt only; the job goes on, its other results are the bytes
// an in-process run gives, a task that keeps crashing is quarantined (across
// resumes), a runaway attempt is killed at its timeout, walltime signals
// sent to every process of the job drain it as usual, a worker killed while
// idle blames no task, and a killed fork server stops the run resumably.
#include <gtest/gtest.h>

#include <string>

#include "cli_checks.hpp"
#include "cli_runner.hpp"
#include "test_dir.hpp"

namespace partita::cli_test {
namespace {

// 120 tasks of 2 ms; about one in ten fails (the draw is the task's own,
// so the same tasks fail in every mode and layout).
std::string job(const std::string& extra, const std::string& failure) {
  return "kernel = \"synthetic\"\nseed = 3\nrepeat = 120\n" + extra +
         "[params]\ndistribution = \"constant\"\nmean_us = 2000\nfail_fraction = 0.1\nfailure = \"" + failure +
         "\"\n";
}

class Isolation : public ::testing::Test {
 protected:
  std::string args(const std::string& toml, const std::string& out_name, const std::string& extra = "") {
    const auto file = dir_.write(out_name + ".toml", toml);
    return "run " + quote(file.string()) + " --out " + quote(out(out_name).string()) + " --quiet " + extra;
  }
  fs::path out(const std::string& name) const { return dir_ / name; }
  // What an in-process run gives when the same tasks throw instead.
  std::string in_process_results() {
    const auto result = run_shell(partita(args(job("", "throw"), "threads", "--threads 2 --restart")));
    EXPECT_EQ(result.exit_code, 3) << describe(result);
    return read_file(out("threads") / "results.csv");
  }
  TestDir dir_;
};

TEST_F(Isolation, SegfaultingTasksFailAloneAndTheRestMatchAnInProcessRun) {
  const auto result =
      run_shell(mpiexec_partita(2, args(job("isolation = \"process\"\nretries = 1\n", "segfault"), "out", "--threads 2")));
  EXPECT_EQ(result.exit_code, 3) << describe(result);
  EXPECT_NE(result.err.find("quarantined"), std::string::npos) << describe(result);
  const auto failures = read_csv(out("out") / "failures.csv");
  EXPECT_EQ(failures.header,
            (std::vector<std::string>{"task", "repeat", "attempts", "crashes", "quarantined", "message"}));
  ASSERT_FALSE(failures.rows.empty());
  for (const auto& row : failures.rows) {
    EXPECT_EQ(row[2], "2") << "1 attempt + 1 retry";
    EXPECT_EQ(row[3], "2") << "both crashed";
    EXPECT_EQ(row[4], "yes") << "quarantine_after defaults to 2";
    // A sanitizer build catches the SIGSEGV and aborts or exits instead.
    EXPECT_TRUE(row[5].find("worker process killed by signal") != std::string::npos ||
                row[5].find("worker process exited with status") != std::string::npos)
        << row[5];
  }
  EXPECT_EQ(read_file(out("out") / "results.csv"), in_process_results());
}

TEST_F(Isolation, AbortAndExitAreCrashesOfThatAttemptOnly) {
  for (const std::string failure : {"abort", "exit"}) {
    const auto result =
        run_shell(partita(args(job("isolation = \"process\"\n", failure), failure, "--threads 2")));
    EXPECT_EQ(result.exit_code, 3) << describe(result);
    const auto failures = read_csv(out(failure) / "failures.csv");
    ASSERT_FALSE(failures.rows.empty());
    for (const auto& row : failures.rows) {
      EXPECT_EQ(row[3], "1");
      EXPECT_EQ(row[4], "no") << "one crash is below quarantine_after = 2";
      EXPECT_NE(row[5].find(failure == "exit" ? "exited with status 3" : "worker process"), std::string::npos)
          << row[5];
    }
    EXPECT_EQ(read_file(out(failure) / "results.csv"), in_process_results()) << failure;
  }
}

TEST_F(Isolation, TimeoutKillsARunawayAttempt) {
  const auto result = run_shell(
      partita(args(job("isolation = \"process\"\ntimeout = \"0.3s\"\n", "hang"), "out", "--threads 2")),
      std::chrono::seconds(60));
  EXPECT_EQ(result.exit_code, 3) << describe(result);
  const auto failures = read_csv(out("out") / "failures.csv");
  ASSERT_FALSE(failures.rows.empty());
  for (const auto& row : failures.rows) {
    EXPECT_NE(row[5].find("timed out: still running after timeout = 0.3 s"), std::string::npos) << row[5];
    EXPECT_EQ(row[3], "1");
  }
  EXPECT_EQ(read_file(out("out") / "results.csv"), in_process_results());
}

// Crashes add up across runs: --retry-failed reruns a crashed task until it
// has crashed quarantine_after times, then leaves it.
TEST_F(Isolation, QuarantineHoldsAcrossResumes) {
  const std::string spec = job("isolation = \"process\"\nquarantine_after = 2\n", "segfault");
  const auto first = run_shell(partita(args(spec, "out", "--threads 2")));
  ASSERT_EQ(first.exit_code, 3) << describe(first);
  EXPECT_EQ(first.err.find("quarantined"), std::string::npos) << describe(first);
  const auto second = run_shell(mpiexec_partita(2, args(spec, "out", "--resume --retry-failed --threads 1")));
  ASSERT_EQ(second.exit_code, 3) << describe(second);
  EXPECT_NE(second.err.find("quarantined (their worker crashed quarantine_after = 2 times"), std::string::npos)
      << describe(second);
  const std::string failures = read_file(out("out") / "failures.csv");
  for (const auto& row : read_csv(out("out") / "failures.csv").rows) {
    EXPECT_EQ(row[3], "2");
    EXPECT_EQ(row[4], "yes");
  }
  const auto status = run_shell(partita("status " + quote(out("out").string())));
  EXPECT_NE(status.out.find(std::to_string(read_csv(out("out") / "failures.csv").rows.size()) +
                            " tasks crashed (their worker process"),
            std::string::npos)
      << status.out;
  const auto third = run_shell(partita(args(spec, "out", "--resume --retry-failed --threads 2")));
  ASSERT_EQ(third.exit_code, 3) << describe(third);
  EXPECT_EQ(read_file(out("out") / "failures.csv"), failures) << "a quarantined task is not run again";
  EXPECT_EQ(read_file(out("out") / "results.csv"), in_process_results());
}

// Slurm signals every process of a job step, workers included: they ignore
// it, the ranks drain, and the resume gives the bytes of an unbroken run.
TEST_F(Isolation, WalltimeSignalToEveryProcessDrainsTheJob) {
  const std::string spec = "kernel = \"synthetic\"\nseed = 5\nrepeat = 240\nisolation = \"process\"\n"
                           "[params]\ndistribution = \"exponential\"\nmean_us = 12000\n";
  const std::string journal = quote((out("out") / "journal" / "rank-0.run-0.journal").string());
  const auto stopped = run_shell(
      mpiexec_partita(2, args(spec, "out", "--threads 1")) + " & pid=$!; for i in $(seq 600); do [ -e " + journal +
      " ] && break; sleep 0.05; done; sleep 0.5; "
      "ranks=$(pgrep -P $pid); servers=$(for p in $ranks; do pgrep -P $p; done); "
      "workers=$(for p in $servers; do pgrep -P $p; done); kill -TERM $ranks $servers $workers; wait $pid");
  ASSERT_EQ(stopped.exit_code, 75) << describe(stopped);
  EXPECT_NE(stopped.err.find("SIGTERM: stopped with"), std::string::npos) << describe(stopped);
  EXPECT_FALSE(fs::exists(out("out") / "failures.csv")) << "no worker died of the signal";
  const auto resumed = run_shell(partita(args(spec, "out", "--resume --threads 2")));
  EXPECT_EQ(resumed.exit_code, 0) << describe(resumed);
  const auto reference = run_shell(partita(args(spec, "reference", "--threads 2")));
  EXPECT_EQ(reference.exit_code, 0) << describe(reference);
  EXPECT_EQ(read_file(out("out") / "results.csv"), read_file(out("reference") / "results.csv"));
}

// The shell's state letter of process $1 (R, S, Z...), "" once it is gone.
constexpr const char* state_of = "state() { sed 's/.*) //' /proc/$1/stat 2>/dev/null | cut -d' ' -f1; }; ";

// The out-of-memory killer may pick a worker between tasks. To kill one
// surely idle, the rank is stopped (SIGSTOP) until every worker has sent
// its reply and sleeps in recv (state S: the synthetic kernel burns CPU,
// so a worker in a task is R); the workers are killed and the rank goes
// on. With quarantine_after = 1, one task blamed would fail for good.
TEST_F(Isolation, AWorkerKilledWhileIdleIsReplacedAndBlamesNoTask) {
  const std::string common = "kernel = \"synthetic\"\nseed = 3\nrepeat = 1200\n";
  const std::string params = "[params]\ndistribution = \"constant\"\nmean_us = 4000\n";
  const std::string spec = common + "isolation = \"process\"\nquarantine_after = 1\n" + params;
  const std::string journal = quote((out("out") / "journal" / "rank-0.run-0.journal").string());
  const auto result = run_shell(
      std::string(state_of) + partita(args(spec, "out", "--threads 2")) + " & pid=$!; killed=0; " +
          "for i in $(seq 600); do [ -e " + journal + " ] && break; sleep 0.05; done; sleep 0.3; "
          "for round in 1 2 3; do kill -STOP $pid; "
          "  workers=; for srv in $(pgrep -x partita -P $pid); do for w in $(pgrep -x partita -P $srv); do "
          "    [ \"$(state $w)\" = Z ] || workers=\"$workers $w\"; done; done; "
          "  for i in $(seq 1000); do busy=0; for w in $workers; do s=$(state $w); "
          "    [ -z \"$s\" ] || [ \"$s\" = S ] || busy=1; done; [ $busy = 0 ] && break; sleep 0.01; done; "
          "  for w in $workers; do kill -KILL $w && killed=$((killed + 1)); done; "
          // Dead, not just doomed: the rank must find them gone.
          "  for i in $(seq 1000); do live=0; for w in $workers; do s=$(state $w); "
          "    [ -z \"$s\" ] || [ \"$s\" = Z ] || live=1; done; [ $live = 0 ] && break; sleep 0.01; done; "
          "  kill -CONT $pid; sleep 0.3; done; "
          "echo killed=$killed; wait $pid",
      std::chrono::seconds(90));
  EXPECT_EQ(result.exit_code, 0) << describe(result);
  const auto killed = result.out.find("killed=");
  ASSERT_NE(killed, std::string::npos) << describe(result);
  EXPECT_GE(std::stoi(result.out.substr(killed + 7)), 2) << "idle workers were killed: " << describe(result);
  EXPECT_FALSE(fs::exists(out("out") / "failures.csv")) << "no task was blamed";
  const auto reference = run_shell(partita(args(common + params, "reference", "--threads 2")));
  ASSERT_EQ(reference.exit_code, 0) << describe(reference);
  EXPECT_EQ(read_file(out("out") / "results.csv"), read_file(out("reference") / "results.csv"));
}

// A killed fork server takes its workers with it and no worker can start
// again on that rank: the run stops at once with one message and the
// resumable code, journals nothing for the tasks in flight (no failure, no
// crash), and --resume gives the bytes of an unbroken run.
TEST_F(Isolation, LosingTheForkServerStopsTheRunResumably) {
  const std::string spec = "kernel = \"synthetic\"\nseed = 5\nrepeat = 400\nisolation = \"process\"\n"
                           "[params]\ndistribution = \"exponential\"\nmean_us = 20000\n";
  const std::string journal = quote((out("out") / "journal" / "rank-0.run-0.journal").string());
  // Waits for the journal's first flush, so that some results are safe.
  const auto stopped = run_shell(
      mpiexec_partita(2, args(spec, "out", "--threads 1")) + " & pid=$!; for i in $(seq 600); do [ -e " + journal +
          " ] && break; sleep 0.05; done; header=$(stat -c %s " + journal + "); "
          "for i in $(seq 600); do [ $(stat -c %s " + journal + ") -gt $header ] && break; sleep 0.05; done; "
          "rank=$(pgrep -x partita -P $pid | tail -n 1); server=$(pgrep -x partita -P $rank); "
          "begun=$(date +%s%N); kill -KILL $server; wait $pid; code=$?; "
          "echo took_ms=$(( ($(date +%s%N) - begun) / 1000000 )); exit $code",
      std::chrono::seconds(90));
  ASSERT_EQ(stopped.exit_code, 75) << describe(stopped);
  EXPECT_NE(stopped.err.find("the worker process server (pid "), std::string::npos) << describe(stopped);
  EXPECT_NE(stopped.err.find("is gone: killed by signal 9"), std::string::npos) << describe(stopped);
  const auto took = stopped.out.find("took_ms=");
  ASSERT_NE(took, std::string::npos) << describe(stopped);
  EXPECT_LT(std::stol(stopped.out.substr(took + 8)), 10000) << "the run did not end promptly";
  EXPECT_FALSE(fs::exists(out("out") / "failures.csv")) << "no task failed or crashed: " << describe(stopped);
  const auto status = run_shell(partita("status " + quote(out("out").string())));
  EXPECT_EQ(status.out.find(": 0 done"), std::string::npos) << "results were journaled: " << status.out;
  EXPECT_EQ(status.out.find("crashed"), std::string::npos) << status.out;
  const auto resumed = run_shell(partita(args(spec, "out", "--resume --threads 2")));
  EXPECT_EQ(resumed.exit_code, 0) << describe(resumed);
  const auto reference = run_shell(partita(args(spec, "reference", "--threads 2")));
  EXPECT_EQ(reference.exit_code, 0) << describe(reference);
  EXPECT_EQ(read_file(out("out") / "results.csv"), read_file(out("reference") / "results.csv"));
}

TEST_F(Isolation, SpecMistakesAreNamed) {
  const auto check = [&](const std::string& text, int line, const std::string& needle) {
    const auto result = run_shell(partita(args("kernel = \"synthetic\"\n" + text, "bad")));
    expect_bad_input(result, out("bad").string() + ".toml:" + std::to_string(line), {needle});
  };
  check("isolation = \"fork\"\n", 2, "must be \"thread\"");
  check("timeout = \"30s\"\n", 2, "needs isolation = \"process\"");
  check("quarantine_after = 3\n", 2, "needs isolation = \"process\"");
  check("isolation = \"process\"\ntimeout = \"soon\"\n", 3, "timeout = \"soon\": must be a duration");
  check("isolation = \"process\"\ntimeout = -1\n", 3, "timeout = -1");
  check("isolation = \"process\"\nquarantine_after = 0\n", 3, "quarantine_after");
}

}  // namespace
}  // namespace partita::cli_test

// Command jobs as a whole run sees them: the rank logs and `partita log`,
// a changed program on resume, a drain and SIGKILL with commands running,
// resumes on other layouts, and memory that stays flat over many tasks.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <regex>
#include <string>

#include "cli_checks.hpp"
#include "cli_runner.hpp"
#include "json_check.hpp"
#include "test_dir.hpp"

namespace partita::cli_test {
namespace {

// Task 2's first attempt fails; every attempt writes to both streams (stdout
// with a byte that is not text), and sleeps as long as the file `nap` says.
const char* const chatty_script =
    "#!/bin/sh\n"
    "printf 'out of task %s attempt %s\\n\\001\\n' \"$PARTITA_TASK\" \"$PARTITA_ATTEMPT\"\n"
    "echo \"err of task $PARTITA_TASK\" >&2\n"
    "[ -s nap ] && sleep \"$(cat nap)\"\n"
    "[ \"$PARTITA_TASK\" = 2 ] && [ \"$PARTITA_ATTEMPT\" = 1 ] && exit 9\n"
    "printf '{\"square\": %d, \"seed\": \"%s\"}\\n' $((PARTITA_TASK * PARTITA_TASK)) \"$PARTITA_SEED\"\n";

class CommandRun : public ::testing::Test {
 protected:
  void SetUp() override { write_script(chatty_script); }
  void write_script(const std::string& text) {
    const fs::path script = dir_.write("chatty.sh", text);
    ::chmod(script.c_str(), 0755);
  }
  fs::path job(int tasks, const std::string& extra = "") const {
    // By its full path: ps then tells this test's commands from others'.
    return dir_.write("job.toml", "command = [" + quote_toml((dir_ / "chatty.sh").string()) + "]\nseed = 11\nretries = 1\nrepeat = " +
                                      std::to_string(tasks) + "\n" + extra +
                                      "[outputs]\nsquare = \"integer\"\nseed = \"text\"\n");
  }
  std::string args(const std::string& out, const std::string& extra = "") const {
    return "run " + quote((dir_ / "job.toml").string()) + " --out " + quote((dir_ / out).string()) +
           " --quiet --no-warnings " + extra;
  }
  std::string out(const std::string& name) const { return quote((dir_ / name).string()); }
  std::string files(const std::string& out) const {
    return read_file(dir_ / out / "results.csv") + read_file(dir_ / out / "summary.csv");
  }
  static std::string quote_toml(const std::string& text) { return "\"" + text + "\""; }
  // Processes still running a command of this test, or a child it left.
  std::string leftovers() const {
    return run_shell("ps -eo pid,args | grep -F " + quote((dir_ / "chatty.sh").string()) + " | grep -v grep; " +
                     "pgrep -af 'sleep 4[0-9][.]37'; true")
        .out;
  }
  TestDir dir_;
};

TEST_F(CommandRun, PartitaLogPrintsEachTasksOutputByteForByteFromAnyRank) {
  job(6);
  const auto run = run_shell(mpiexec_partita(2, args("out", "--threads 1")));
  ASSERT_EQ(run.exit_code, 0) << describe(run);
  EXPECT_TRUE(fs::exists(dir_ / "out" / "logs" / "rank-0.log"));
  EXPECT_TRUE(fs::exists(dir_ / "out" / "logs" / "rank-1.log"));
  for (int task : {0, 3, 5}) {
    const auto log = run_shell(partita("log " + out("out") + " " + std::to_string(task)));
    ASSERT_EQ(log.exit_code, 0) << describe(log);
    EXPECT_EQ(log.out.substr(0, log.out.find('{')),
              "out of task " + std::to_string(task) + " attempt 1\n\001\n");
    EXPECT_EQ(log.err, "err of task " + std::to_string(task) + "\n");
  }
  // The latest attempt by default; every attempt, headed, with --all.
  const auto latest = run_shell(partita("log " + out("out") + " 2"));
  EXPECT_EQ(latest.out.substr(0, latest.out.find('{')), "out of task 2 attempt 2\n\001\n");
  const auto all = run_shell(partita("log " + out("out") + " 2 --all"));
  ASSERT_EQ(all.exit_code, 0) << describe(all);
  EXPECT_NE(all.out.find("==> task 2, run 0, attempt 1: exited with status 9 <==\nout of task 2 attempt 1\n\001\n"
                         "err of task 2\n==> task 2, run 0, attempt 2: exited with status 0 <==\n"),
            std::string::npos)
      << all.out;
  const auto none = run_shell(partita("log " + out("out") + " 6"));
  EXPECT_EQ(none.exit_code, 2) << describe(none);
  EXPECT_NE(none.err.find("task 6: no output of it in"), std::string::npos) << none.err;
  const auto nowhere = run_shell(partita("log " + out("missing") + " 0"));
  EXPECT_EQ(nowhere.exit_code, 2) << describe(nowhere);
  EXPECT_NE(nowhere.err.find("no task logs here"), std::string::npos) << nowhere.err;
}

TEST_F(CommandRun, LogFilesAreWrittenInEachTasksDirectoryToo) {
  job(3, "task_dir = true\nlog_files = true\n");
  const auto run = run_shell(partita(args("out", "--threads 2")));
  ASSERT_EQ(run.exit_code, 0) << describe(run);
  const fs::path task2 = dir_ / "out" / "tasks" / "2";  // under 1,000 tasks: no fan-out level
  ASSERT_TRUE(fs::is_directory(task2)) << run_shell("find " + out("out")).out;
  // The latest attempt's, exactly as `partita log` gives it.
  const auto log = run_shell(partita("log " + out("out") + " 2"));
  EXPECT_EQ(read_file(task2 / "stdout.log"), log.out);
  EXPECT_EQ(read_file(task2 / "stderr.log"), "err of task 2\n");
}

TEST_F(CommandRun, ACorruptOrTornLogFrameCostsOnlyItsOwnBytes) {
  job(4);
  ASSERT_EQ(run_shell(partita(args("out", "--threads 1"))).exit_code, 0);
  const fs::path log = dir_ / "out" / "logs" / "rank-0.log";
  std::string bytes = read_file(log);
  // Task 0's first frame is its stdout: flip a byte of its text.
  const auto at = bytes.find("out of task 0");
  ASSERT_NE(at, std::string::npos);
  bytes[at] = 'X';
  // And a frame cut short at the end, as a rank killed mid-write leaves.
  const auto first = bytes.find("PLG1", 4);
  bytes += bytes.substr(0, first / 2);
  std::ofstream(log, std::ios::binary | std::ios::trunc) << bytes;
  const auto zero = run_shell(partita("log " + out("out") + " 0"));
  EXPECT_EQ(zero.exit_code, 0) << describe(zero);
  // The frame holding that text is gone, not garbled; a later one (the
  // JSON line, when the pipe delivered it apart) is read.
  EXPECT_TRUE(zero.out.empty() || zero.out.starts_with("{\"square\": 0,")) << zero.out;
  EXPECT_EQ(zero.err, "err of task 0\n");
  const auto three = run_shell(partita("log " + out("out") + " 3"));
  EXPECT_EQ(three.out.substr(0, three.out.find('{')), "out of task 3 attempt 1\n\001\n");
  // A resume appends after the torn frame; its frames read back whole.
  ASSERT_EQ(run_shell(partita(args("out", "--resume --retry-failed"))).exit_code, 0);
}

TEST_F(CommandRun, AChangedProgramIsRefusedOnResumeUnlessAllowedAndTheJournalRemembers) {
  write_script(std::regex_replace(chatty_script, std::regex("\\[ \"\\$PARTITA_ATTEMPT\" = 1 \\] && "), ""));
  job(4);
  const auto first = run_shell(partita(args("out")));
  ASSERT_EQ(first.exit_code, 3) << describe(first);  // task 2 fails every attempt
  write_script(chatty_script);                         // fixed: a new program
  const auto refused = run_shell(partita(args("out", "--resume --retry-failed")));
  expect_bad_input(refused, (dir_ / "out" / "journal" / "rank-0.run-0.journal").string(),
                   {"the program changed since this journal was written: " + (dir_ / "chatty.sh").string(),
                    "--allow-changed-program"});
  const auto allowed =
      run_shell(partita("run " + quote((dir_ / "job.toml").string()) + " --out " + out("out") +
                        " --no-warnings --resume --retry-failed --allow-changed-program"));
  ASSERT_EQ(allowed.exit_code, 0) << describe(allowed);
  EXPECT_NE(allowed.err.find("resuming with a changed program"), std::string::npos) << allowed.err;
  EXPECT_NE(read_file(dir_ / "out" / "results.csv").find("\n2,2,4,"), std::string::npos);
  // The new run's journal notes the old program: a later resume is not refused.
  EXPECT_NE(read_file(dir_ / "out" / "journal" / "rank-0.run-1.journal").find("--allow-changed-program"),
            std::string::npos);
  const auto later = run_shell(partita(args("out", "--resume")));
  EXPECT_EQ(later.exit_code, 0) << describe(later);
}

TEST_F(CommandRun, ADrainEndsRunningCommandsWithTheirChildrenAndTheResumeFinishes) {
  job(8);
  const auto reference = run_shell(partita(args("reference", "--threads 2")));
  ASSERT_EQ(reference.exit_code, 0) << describe(reference);
  // Every task now takes 40 s and leaves a child sleeping as long.
  write_script(std::string(chatty_script).replace(std::string(chatty_script).find("[ -s nap ]"), 0,
                                                  "(sleep 41.37) & sleep 40.37\n"));
  const std::string journal = quote((dir_ / "out" / "logs" / "rank-1.log").string());
  const auto stopped = run_shell(mpiexec_partita(2, args("out", "--threads 1 --grace 1")) + " & pid=$!; " +
                                 "for i in $(seq 600); do [ -s " + journal + " ] && break; sleep 0.05; done; " +
                                 "sleep 0.3; start=$(date +%s); kill -USR1 $pid; wait $pid; rc=$?; " +
                                 "echo rc=$rc took=$(( $(date +%s) - start ))");
  EXPECT_NE(stopped.out.find("rc=75"), std::string::npos) << describe(stopped);
  EXPECT_LE(std::stoi(stopped.out.substr(stopped.out.find("took=") + 5)), 8) << describe(stopped);
  EXPECT_EQ(leftovers(), "");
  // Killed by Partita, not by their own fault: nothing journaled, no crash.
  const auto status = run_shell(partita("status " + out("out")));
  EXPECT_NE(status.out.find("0 done, 0 failed, 8 remaining"), std::string::npos) << status.out;
  write_script(chatty_script);
  const auto resumed =
      run_shell(partita("run " + quote((dir_ / "job.toml").string()) + " --out " + out("out") +
                        " --quiet --no-warnings --resume --allow-changed-program --threads 2"));
  ASSERT_EQ(resumed.exit_code, 0) << describe(resumed);
  EXPECT_EQ(files("out"), files("reference"));
}

// SIGKILL to mpirun and every rank at once, at several moments, resumed
// each time on another layout: the same bytes as a run never stopped, no
// task twice, and no command (nor a child it left) still running. (The
// ranks' fork servers are spared: they are what ends the commands' process
// groups when their rank dies. A kill of every process including them is a
// scheduler's, which kills the whole allocation's cgroup.)
TEST_F(CommandRun, SigkillOfTheWholeJobThenResumesOnOtherLayoutsGiveTheSameBytes) {
  dir_.write("nap", "0.05\n");
  job(60);
  const auto reference = run_shell(partita(args("reference", "--threads 2")));
  ASSERT_EQ(reference.exit_code, 0) << describe(reference);
  // Each task leaves a child that would outlive it by far, were its
  // process group not killed.
  write_script(std::string(chatty_script).replace(std::string(chatty_script).find("[ -s nap ]"), 0,
                                                  "(sleep 42.37 >/dev/null 2>&1 &)\n"));
  const std::pair<int, const char*> rounds[] = {{2, "0.9"}, {3, "0.8"}, {1, "0.6"}};
  bool first = true;
  for (const auto& [ranks, delay] : rounds) {
    const std::string command =
        ranks == 1 ? partita(args("out", first ? "--threads 2" : "--resume --threads 2"))
                   : mpiexec_partita(ranks, args("out", first ? "--threads 1" : "--resume --threads 1"));
    // Open MPI starts each rank in a process group of its own: the ranks are
    // mpirun's children (a singleton's child is its fork server).
    const std::string ranks_too = ranks == 1 ? "" : " $(pgrep -P $pid)";
    const auto killed = run_shell(command + " & pid=$!; sleep " + delay + "; kill -KILL $pid" + ranks_too +
                                  "; wait $pid; echo rc=$?");
    if (first) {
      EXPECT_NE(killed.out.find("rc=137"), std::string::npos) << describe(killed);  // it landed mid-run
    }
    (void)run_shell("for i in $(seq 50); do [ -z \"$(pgrep -f 'sleep 42[.]37')\" ] && break; sleep 0.1; "
                                "done");
    EXPECT_EQ(leftovers(), "") << "after the round on " << ranks << " rank(s)";
    first = false;
  }
  const auto status = run_shell(partita("status " + out("out")));
  EXPECT_NE(status.out.find(", 0 duplicated"), std::string::npos) << status.out;
  const auto resumed = run_shell(mpiexec_partita(2, args("out", "--resume --threads 1")));
  ASSERT_EQ(resumed.exit_code, 0) << describe(resumed);
  EXPECT_EQ(files("out"), files("reference"));
}

TEST_F(CommandRun, TheSameBytesOnFourRanksAndOverTcp) {
  job(12);
  ASSERT_EQ(run_shell(partita(args("one", "--threads 1"))).exit_code, 0);
  const auto four = run_shell(mpiexec_partita(4, args("four", "--threads 1")));
  ASSERT_EQ(four.exit_code, 0) << describe(four);
  EXPECT_EQ(files("four"), files("one"));
  const auto tcp = run_shell("OMPI_MCA_btl=self,tcp " + mpiexec_partita(2, args("tcp", "--threads 2")));
  ASSERT_EQ(tcp.exit_code, 0) << describe(tcp);
  EXPECT_EQ(files("tcp"), files("one"));
}

TEST_F(CommandRun, StatusAndBatchServeCommandJobsAsKernels) {
  job(4);
  ASSERT_EQ(run_shell(partita(args("out"))).exit_code, 0);
  const auto status = run_shell(partita("status " + out("out")));
  ASSERT_EQ(status.exit_code, 0) << describe(status);
  EXPECT_NE(status.out.find("4 tasks: 4 done, 0 failed, 0 remaining, 0 duplicated"), std::string::npos) << status.out;
  const fs::path script = dir_ / "job.slurm";
  const auto batch = run_shell(partita("batch " + quote((dir_ / "job.toml").string()) +
                                       " --scheduler slurm --time 00:10:00 --output-dir " + out("out") + " --script " +
                                       quote(script.string())));
  ASSERT_EQ(batch.exit_code, 0) << describe(batch);
  const std::string text = read_file(script);
  EXPECT_NE(text.find("run \"$job\" --out \"$out\" --resume"), std::string::npos) << text;
  EXPECT_NE(text.find("PARTITA_ALLOCATION"), std::string::npos) << text;
}

// Every rank's peak memory after 10^5 tasks is that after 10^4, give or
// take what the extra results themselves take: nothing grows per task.
TEST_F(CommandRun, ManyTinyTasksKeepEveryRanksMemoryFlat) {
  const auto peaks = [this](const std::string& name, int tasks) {
    dir_.write(name + ".toml", "command = [\"true\"]\nrepeat = " + std::to_string(tasks) + "\n");
    const auto run = run_shell(mpiexec_partita(2, "run " + quote((dir_ / (name + ".toml")).string()) + " --out " +
                                                      out(name) + " --quiet --no-warnings --threads 1"),
                               std::chrono::seconds(400));
    EXPECT_EQ(run.exit_code, 0) << describe(run);
    std::vector<double> mib;
    const std::string report = read_file(dir_ / name / "report.json");
    const std::regex peak("\"peak_rss_mib\": ([0-9.]+)");
    for (auto it = std::sregex_iterator(report.begin(), report.end(), peak); it != std::sregex_iterator(); ++it) {
      mib.push_back(std::stod((*it)[1]));
    }
    EXPECT_EQ(mib.size(), 2u) << report;
    return mib;
  };
  const auto small = peaks("small", 10000);
  const auto large = peaks("large", 100000);
  ASSERT_EQ(small.size(), large.size());
  for (std::size_t rank = 0; rank < small.size(); ++rank) {
    // 9 x 10^4 more tasks: a leak of 64 bytes per task would add 5.5 MiB.
    EXPECT_LT(large[rank], small[rank] + 4.0) << "rank " << rank << ": " << small[rank] << " MiB after 10^4 tasks, "
                                              << large[rank] << " MiB after 10^5";
  }
}

}  // namespace
}  // namespace partita::cli_test

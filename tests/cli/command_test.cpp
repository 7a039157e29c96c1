// Command jobs: the user's own program once per task, started by the
// rank's fork server, its outputs read from its stdout.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>

#include "cli_checks.hpp"
#include "cli_runner.hpp"
#include "test_dir.hpp"

namespace partita::cli_test {
namespace {

// Prints what it received: its arguments and environment, as JSON.
const char* const echo_script =
    "#!/bin/sh\n"
    "[ \"$PARTITA_PARAM_MODE\" = fail ] && [ \"$PARTITA_REPEAT\" = 1 ] && { echo 'bad luck' >&2; exit 3; }\n"
    "echo 'some chatter'\n"
    "printf '{\"temp\": %s, \"seed\": \"%s\", \"size\": %s, \"label\": \"%s\", \"env_seed\": \"%s\", \"omp\": %s, "
    "\"mpi\": \"%s\"}' \"$2\" \"$4\" \"$6\" \"$PARTITA_TASK/$PARTITA_POINT/$PARTITA_REPEAT/$PARTITA_ATTEMPT\" "
    "\"$PARTITA_SEED\" \"$OMP_NUM_THREADS\" \"${OMPI_COMM_WORLD_SIZE:-none}\"\n";

class CommandJob : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path script = dir_.write("echo.sh", echo_script);
    ::chmod(script.c_str(), 0755);
  }
  fs::path job(const std::string& extra = "") const {
    return dir_.write("job.toml",
                      "command = [\"./echo.sh\", \"--t\", \"{t}\", \"--seed\", \"{seed}\", \"--n\", \"{n}\"]\n"
                      "seed = 7\nrepeat = 3\n" + extra +
                          "[params]\nn = 64\nmode = \"ok\"\n[sweep]\nt = [1.5, 2.27, 3]\n"
                          "[outputs]\ntemp = \"number\"\nseed = \"text\"\nsize = \"integer\"\nlabel = \"text\"\n"
                          "env_seed = \"text\"\nomp = \"integer\"\nmpi = \"text\"\n");
  }
  std::string args(const fs::path& job_file, const std::string& out) const {
    return "run " + quote(job_file.string()) + " --out " + quote((dir_ / out).string()) + " --quiet --no-warnings";
  }
  std::string files(const std::string& out) const {
    return read_file(dir_ / out / "results.csv") + read_file(dir_ / out / "summary.csv");
  }
  TestDir dir_;
};

TEST_F(CommandJob, OutputsPlaceholdersAndEnvironmentReachTheResultsTheSameOnEveryLayout) {
  const fs::path job_file = job();
  const auto serial = run_shell(partita(args(job_file, "one") + " --threads 1"));
  ASSERT_EQ(serial.exit_code, 0) << describe(serial);
  const std::string results = read_file(dir_ / "one" / "results.csv");
  EXPECT_NE(results.find("task,t,repeat,temp,seed,size,label,env_seed,omp,mpi\n"), std::string::npos) << results;
  // Task 4 is point 1 (t = 2.27), repeat 1, first attempt; its seed is the
  // same in the argument and the environment; the child is no MPI rank.
  const auto row = results.find("\n4,2.27,1,2.27,");
  ASSERT_NE(row, std::string::npos) << results;
  const std::string line = results.substr(row + 1, results.find('\n', row + 1) - row - 1);
  EXPECT_NE(line.find(",64,4/1/1/1,"), std::string::npos) << line;
  EXPECT_NE(line.find(",1,none"), std::string::npos) << line;  // OMP_NUM_THREADS = threads per task
  const std::string seed = line.substr(line.find(",2.27,") + 6);
  EXPECT_EQ(seed.substr(0, seed.find(',')), line.substr(line.find("4/1/1/1,") + 8, seed.find(',')));
  for (const auto& [out, command] :
       std::vector<std::pair<std::string, std::string>>{{"np2", mpiexec_partita(2, args(job_file, "np2") + " --threads 1")},
                                                        {"np3", mpiexec_partita(3, args(job_file, "np3") + " --threads 2")},
                                                        {"t2", partita(args(job_file, "t2") + " --threads 2")}}) {
    const auto result = run_shell(command);
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_EQ(files(out), files("one")) << out;
  }
}

TEST_F(CommandJob, ANonZeroExitFailsThatTaskAloneWithItsStderr) {
  std::string text = read_file(job());
  text.replace(text.find("mode = \"ok\""), 11, "mode = \"fail\"");
  const fs::path job_file = dir_.write("job.toml", text);
  const auto result = run_shell(mpiexec_partita(2, args(job_file, "out")));
  EXPECT_EQ(result.exit_code, 3) << describe(result);
  const std::string failures = read_file(dir_ / "out" / "failures.csv");
  EXPECT_NE(failures.find("exited with status 3; stderr ends: bad luck"), std::string::npos) << failures;
  const std::string summary = read_file(dir_ / "out" / "summary.csv");
  EXPECT_NE(summary.find("\n0,1.5,2,"), std::string::npos) << summary;  // 2 of 3 repeats succeeded
}

TEST_F(CommandJob, BadCommandsAreRefusedBeforeAnythingRuns) {
  const auto refused = [&](const std::string& text, const std::string& needle) {
    const fs::path file = dir_.write("bad.toml", text);
    const auto result = run_shell(partita(args(file, "bad")));
    EXPECT_EQ(result.exit_code, 2) << describe(result);
    EXPECT_NE(result.err.find(needle), std::string::npos) << describe(result);
    EXPECT_FALSE(fs::exists(dir_ / "bad"));
  };
  refused("command = [\"./nosuch\"]\n", "command[0] = \"./nosuch\": no such file");
  refused("command = [\"./echo.sh\", \"{bogus}\"]\n", "unknown placeholder {bogus}: the allowed ones are");
  refused("command = []\n", "the command is empty");
  refused("kernel = \"pi\"\ncommand = [\"./echo.sh\"]\n", "both 'kernel' and 'command' are set");
  refused("command = [\"./echo.sh\"]\n[outputs]\nx = \"float\"\n", "outputs.x = \"float\"");
  refused("kernel = \"pi\"\ntask_dir = true\n", "task_dir: only a command job");
}

TEST_F(CommandJob, ATimeoutKillsTheWholeProcessGroup) {
  const fs::path sleeper = dir_.write("sleeper.sh", "#!/bin/sh\nsleep 300 &\necho $! > \"$1\"\nwait\n");
  ::chmod(sleeper.c_str(), 0755);
  const fs::path pid_file = dir_ / "child.pid";
  const fs::path job_file =
      dir_.write("slow.toml", "command = [\"./sleeper.sh\", \"" + pid_file.string() + "\"]\ntimeout = 1\n");
  // Alive: listed and not a zombie (a killed orphan waits for init to reap it).
  const auto result = run_shell(partita(args(job_file, "slow")) + "; rc=$?; sleep 0.5; s=$(ps -o stat= -p $(cat " +
                                quote(pid_file.string()) + ")); case \"$s\" in ''|Z*) ;; *) echo orphan alive;; " +
                                "esac; exit $rc");
  EXPECT_EQ(result.exit_code, 3) << describe(result);
  EXPECT_EQ(result.out.find("orphan alive"), std::string::npos) << describe(result);
  EXPECT_NE(read_file(dir_ / "slow" / "failures.csv").find("timed out after"), std::string::npos);
}

}  // namespace
}  // namespace partita::cli_test

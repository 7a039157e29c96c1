// Bad input, end to end: each case must exit 2 with one stderr line that
// names the file, the line and the key, and must run nothing (no output
// directory appears).
#include <gtest/gtest.h>

#include "cli_checks.hpp"
#include "cli_runner.hpp"
#include "test_dir.hpp"

namespace partita::cli_test {
namespace {

class BadInput : public ::testing::Test {
 protected:
  // Writes job.toml and runs it the way a user would, output under out/.
  CommandResult run_job(const std::string& toml, const std::string& extra_args = "") {
    job_ = dir_.write("job.toml", toml).string();
    return run_shell(partita("run " + quote(job_) + " --out " + quote(out().string()) + " --quiet " + extra_args));
  }
  std::string at_line(int line) const { return job_ + ":" + std::to_string(line); }
  fs::path out() const { return dir_ / "out"; }

  // Spec errors are found before the output directory is prepared.
  void expect_nothing_ran() const { EXPECT_FALSE(fs::exists(out())) << out() << " was created for bad input"; }

  TestDir dir_;
  std::string job_;
};

TEST_F(BadInput, MalformedTomlNamesItsLine) {
  const auto result = run_job("kernel = \"pi\"\nseed = 1\n[params\nsamples = 10\n");
  expect_bad_input(result, at_line(3), {"malformed TOML"});
  expect_nothing_ran();
}

TEST_F(BadInput, UnknownTopLevelKeySuggestsKernel) {
  const auto result = run_job("seed = 1\nkernal = \"pi\"\n");
  expect_bad_input(result, at_line(2), {"unknown key 'kernal'", "did you mean 'kernel'?"});
  expect_nothing_ran();
}

TEST_F(BadInput, UnknownParamKeySuggestsSamples) {
  const auto result = run_job("kernel = \"pi\"\n[params]\nsample = 10\n");
  expect_bad_input(result, at_line(3), {"params.sample", "did you mean 'samples'?"});
  expect_nothing_ran();
}

TEST_F(BadInput, WrongTypeNamesKeyAndValue) {
  const auto result = run_job("kernel = \"pi\"\n\n[params]\nsamples = \"many\"\n");
  expect_bad_input(result, at_line(4), {"params.samples = \"many\"", "integer"});
  expect_nothing_ran();
}

TEST_F(BadInput, OutOfRangeNamesKeyValueAndRange) {
  const auto result = run_job("kernel = \"pi\"\n[params]\nsamples = 0\n");
  expect_bad_input(result, at_line(3), {"params.samples = 0", "[1, "});
  expect_nothing_ran();
}

TEST_F(BadInput, OutOfRangeRepeat) {
  const auto result = run_job("kernel = \"pi\"\nrepeat = 0\n");
  expect_bad_input(result, at_line(2), {"repeat = 0", "[1, "});
  expect_nothing_ran();
}

TEST_F(BadInput, EmptySweepList) {
  const auto result = run_job("kernel = \"pi\"\n[sweep]\nsamples = []\n");
  expect_bad_input(result, at_line(3), {"sweep.samples = []", "empty"});
  expect_nothing_ran();
}

TEST_F(BadInput, ZipListsOfDifferentLengthsNameBothKeys) {
  const auto result =
      run_job("kernel = \"integrate\"\n[sweep]\nmode = \"zip\"\ndim = [1, 2]\nsamples = [10, 20, 30]\n");
  // The later list is the odd one out; the message must name both lists
  // and both lengths so the user knows which to fix.
  expect_bad_input(result, at_line(5), {"sweep.samples has 3 values", "sweep.dim has 2", "zip"});
  expect_nothing_ran();
}

TEST_F(BadInput, BadSweepModeSuggestsGrid) {
  const auto result = run_job("kernel = \"integrate\"\n[sweep]\nmode = \"grd\"\ndim = [1, 2]\n");
  expect_bad_input(result, at_line(3), {"sweep.mode = \"grd\"", "did you mean 'grid'?", "zip"});
  expect_nothing_ran();
}

TEST_F(BadInput, UnknownKernelSuggestsPi) {
  const auto result = run_job("# a comment first\nkernel = \"pie\"\n");
  expect_bad_input(result, at_line(2), {"kernel = \"pie\"", "unknown kernel", "did you mean 'pi'?"});
  expect_nothing_ran();
}

TEST_F(BadInput, MissingKernelNamesTheChoices) {
  const auto result = run_job("seed = 3\n");
  // No line to point at: the file as a whole lacks the key.
  expect_bad_input(result, job_, {"missing key 'kernel'", "pi", "integrate"});
  expect_nothing_ran();
}

TEST_F(BadInput, MissingJobFile) {
  const std::string missing = (dir_ / "no_such_job.toml").string();
  const auto result = run_shell(partita("run " + quote(missing) + " --out " + quote(out().string())));
  expect_bad_input(result, missing, {"no such file"});
  expect_nothing_ran();
}

TEST_F(BadInput, BadOutputFormat) {
  const auto result = run_job("kernel = \"pi\"\n[output]\nformat = \"xml\"\n");
  expect_bad_input(result, at_line(3), {"output.format = \"xml\"", "csv", "jsonl"});
  expect_nothing_ran();
}

TEST_F(BadInput, UnknownOutputKeySuggestsFormat) {
  const auto result = run_job("kernel = \"pi\"\n[output]\nfromat = \"csv\"\n");
  expect_bad_input(result, at_line(3), {"output.fromat", "did you mean 'format'?"});
  expect_nothing_ran();
}

TEST_F(BadInput, ParamBothFixedAndSwept) {
  const auto result = run_job("kernel = \"pi\"\n[params]\nsamples = 10\n[sweep]\nsamples = [10, 20]\n");
  expect_bad_input(result, at_line(5), {"sweep.samples", "[params]"});
  expect_nothing_ran();
}

TEST_F(BadInput, KernelCheckRejectsASweepPoint) {
  // Each value is in range; only the pair breaks the kernel's own rule.
  const auto result = run_job("kernel = \"integrate\"\n[params]\nlower = 1.0\n[sweep]\nupper = [2.0, 0.5]\n");
  expect_bad_input(result, job_, {"sweep point 1", "upper=0.5", "lower must be < upper"});
  expect_nothing_ran();
}

TEST_F(BadInput, OutputDirUnderARegularFile) {
  // Tests run as root, so permission bits would not stop a write; a path
  // through a regular file fails for everyone.
  const auto blocker = dir_.write("blocker", "not a directory\n");
  const std::string target = (blocker / "results").string();
  const auto job = dir_.write("job.toml", "kernel = \"pi\"\n[params]\nsamples = 10\n");
  const auto result = run_shell(partita("run " + quote(job.string()) + " --out " + quote(target) + " --quiet"));
  expect_bad_input(result, "output directory '" + target + "'", {"cannot create"});
  EXPECT_TRUE(fs::is_regular_file(blocker));
}

TEST_F(BadInput, OutputDirFromJobUnderARegularFile) {
  dir_.write("blocker", "not a directory\n");
  const auto job = dir_.write("job.toml", "kernel = \"pi\"\n[params]\nsamples = 10\n[output]\ndir = \"blocker/x\"\n");
  // A relative [output] dir is relative to the spec's folder, wherever partita runs.
  const auto result = run_shell("cd / && " + partita("run " + quote(job.string()) + " --quiet"));
  expect_bad_input(result, "output directory '" + (dir_ / "blocker" / "x").string() + "'", {"cannot create"});
}

TEST_F(BadInput, UnknownScheduleOption) {
  const auto job = dir_.write("job.toml", "kernel = \"pi\"\n[params]\nsamples = 10\n");
  const auto result = run_shell(partita("run " + quote(job.string()) + " --out " + quote(out().string()) +
                                        " --schedule fast"));
  expect_usage_error(result, "--schedule", {"fast", "static", "cyclic"});
  expect_nothing_ran();
}

// Only the names are accepted, not the enum values behind them.
TEST_F(BadInput, NumericScheduleIsRejected) {
  const auto job = dir_.write("job.toml", "kernel = \"pi\"\n[params]\nsamples = 10\n");
  const auto result = run_shell(partita("run " + quote(job.string()) + " --out " + quote(out().string()) +
                                        " --schedule 1"));
  expect_usage_error(result, "--schedule", {"1", "static", "cyclic"});
  expect_nothing_ran();
}

TEST_F(BadInput, ZeroThreads) {
  const auto job = dir_.write("job.toml", "kernel = \"pi\"\n[params]\nsamples = 10\n");
  const auto result = run_shell(partita("run " + quote(job.string()) + " --out " + quote(out().string()) +
                                        " --threads 0"));
  expect_usage_error(result, "--threads", {"0"});
  expect_nothing_ran();
}

TEST_F(BadInput, UnknownOption) {
  const auto job = dir_.write("job.toml", "kernel = \"pi\"\n[params]\nsamples = 10\n");
  const auto result = run_shell(partita("run " + quote(job.string()) + " --out " + quote(out().string()) +
                                        " --bogus"));
  expect_usage_error(result, "", {"--bogus"});
  expect_nothing_ran();
}

TEST_F(BadInput, NoSubcommand) {
  const auto result = run_shell(partita(""));
  expect_usage_error(result, "", {"subcommand"});
}

TEST_F(BadInput, RunWithoutJobFile) {
  const auto result = run_shell(partita("run"));
  expect_usage_error(result, "", {"job"});
}

}  // namespace
}  // namespace partita::cli_test

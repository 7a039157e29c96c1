// Bad input, end to end: each case must exit 2 with one stderr line that
// names the file, the line and the key, and must run nothing (no output
// directory appears).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

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

// --- name: it is printed and names the output directory --------------------

struct BadName {
  const char* name;
  const char* toml;   ///< the value of name = ..., as TOML writes it
  const char* shown;  ///< how the message shows it
};

class BadInputName : public BadInput, public ::testing::WithParamInterface<BadName> {};

// Without --out: the default output directory is NAME.out beside the spec.
TEST_P(BadInputName, IsRefusedShownEscapedAndCreatesNothing) {
  const auto& c = GetParam();
  job_ = dir_.write("job.toml", std::string("kernel = \"pi\"\nname = \"") + c.toml + "\"\n[params]\nsamples = 10\n")
             .string();
  const auto result = run_shell(partita("run " + quote(job_) + " --quiet"));
  expect_bad_input(result, at_line(2), {std::string("name = \"") + c.shown + "\"", "printable text", "'/'"});
  // Not one raw control byte reaches the terminal.
  for (std::size_t i = 0; i + 1 < result.err.size(); ++i) {
    const auto byte = static_cast<unsigned char>(result.err[i]);
    EXPECT_FALSE(byte < 0x20 || byte == 0x7F) << "raw byte " << unsigned{byte} << " at " << i << "\n"
                                               << describe(result);
  }
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(dir_.path())) left.push_back(entry.path().filename().string());
  EXPECT_EQ(left, std::vector<std::string>{"job.toml"});
}

INSTANTIATE_TEST_SUITE_P(
    Names, BadInputName,
    ::testing::Values(BadName{"Escape", "pi\\u001b[31mred", "pi\\u001B[31mred"},
                      BadName{"Bell", "ding\\u0007", "ding\\u0007"},
                      BadName{"Newline", "two\\nlines", "two\\nlines"},
                      BadName{"Nul", "a\\u0000b", "a\\u0000b"},
                      BadName{"C1Control", "csi\\u009b2J", "csi\\u009B2J"},
                      BadName{"Slash", "../../elsewhere", "../../elsewhere"},
                      BadName{"RightToLeftOverride", "\\u202Etxt.exe", "\\u202Etxt.exe"}),
    [](const auto& test) { return std::string(test.param.name); });

// --- TOML syntax: the line where the broken construct starts -------------

TEST_F(BadInput, UnclosedListNamesTheLineItStartsOn) {
  // toml11 stops at line 5, which holds nothing wrong.
  const auto result = run_job("kernel = \"pi\"\nname = \"x\"\n\nseed = [1, 2\nrepeat = 3\n");
  expect_bad_input(result, at_line(4), {"malformed TOML", "array starts here", "at line 5"});
  expect_nothing_ran();
}

// --- integers written as reals -------------------------------------------

TEST_F(BadInput, RealThatIsNotAnIntegerSaysSo) {
  const auto result = run_job("kernel = \"pi\"\n[params]\nsamples = 1.5\n");
  expect_bad_input(result, at_line(3), {"params.samples = 1.5", "must be an integer in [1, ", "1.5 is not one"});
  expect_nothing_ran();
}

TEST_F(BadInput, RealThatIsAnIntegerRunsAsThatInteger) {
  const auto as_real = dir_.write("real.toml", "kernel = \"pi\"\nseed = 3\nrepeat = 2e0\n[params]\nsamples = 1e3\n");
  const auto as_integer = dir_.write("integer.toml", "kernel = \"pi\"\nseed = 3\nrepeat = 2\n[params]\nsamples = 1000\n");
  expect_success(run_shell(partita("run " + quote(as_real.string()) + " --out " + quote((dir_ / "a").string()) +
                                   " --quiet --threads 1")));
  expect_success(run_shell(partita("run " + quote(as_integer.string()) + " --out " + quote((dir_ / "b").string()) +
                                   " --quiet --threads 1")));
  EXPECT_EQ(read_file(dir_ / "a" / "results.csv"), read_file(dir_ / "b" / "results.csv"));
}

}  // namespace
}  // namespace partita::cli_test

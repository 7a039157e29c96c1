// Bad input under mpiexec: every rank reaches the same verdict, but only
// rank 0 speaks, so a 3-rank launch prints the error once, not three times.
// mpiexec adds its own banner about the non-zero exit; that is not ours.
#include <gtest/gtest.h>

#include <algorithm>

#include "cli_checks.hpp"
#include "cli_runner.hpp"
#include "test_dir.hpp"

namespace partita::cli_test {
namespace {

std::size_t error_lines(const CommandResult& result) {
  const auto lines = lines_of(result.err);
  return static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), [](const std::string& line) {
    return line.rfind("partita: error:", 0) == 0;
  }));
}

class MpiBadInput : public ::testing::Test {
 protected:
  void expect_reported_once(const CommandResult& result, const std::string& needle) {
    expect_no_crash_text(result);
    EXPECT_EQ(result.exit_code, 2) << describe(result);
    EXPECT_EQ(error_lines(result), 1u) << describe(result);
    EXPECT_NE(result.err.find(needle), std::string::npos) << describe(result);
    EXPECT_EQ(result.out.find("partita:"), std::string::npos) << describe(result);
  }

  TestDir dir_;
};

TEST_F(MpiBadInput, SpecErrorPrintedOnce) {
  const auto job = dir_.write("job.toml", "kernel = \"pi\"\n[params]\nsamples = 0\n");
  const auto result = run_shell(mpiexec_partita(3, "run " + quote(job.string()) + " --out " +
                                                       quote((dir_ / "out").string()) + " --threads 1"));
  expect_reported_once(result, job.string() + ":3: params.samples = 0");
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

TEST_F(MpiBadInput, CommandLineErrorPrintedOnce) {
  const auto job = dir_.write("job.toml", "kernel = \"pi\"\n[params]\nsamples = 10\n");
  const auto result = run_shell(mpiexec_partita(3, "run " + quote(job.string()) + " --threads 0"));
  expect_reported_once(result, "--threads");
}

TEST_F(MpiBadInput, OutputDirErrorPrintedOnce) {
  const auto blocker = dir_.write("blocker", "a file\n");
  const auto job = dir_.write("job.toml", "kernel = \"pi\"\n[params]\nsamples = 10\n");
  const auto result = run_shell(mpiexec_partita(
      3, "run " + quote(job.string()) + " --out " + quote((blocker / "x").string()) + " --threads 1"));
  expect_reported_once(result, "output directory");
}

}  // namespace
}  // namespace partita::cli_test

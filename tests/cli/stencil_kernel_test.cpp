// The heat kernel end to end: listed by `partita kernels`, outputs with known
// values, results byte-identical whether a task runs on one thread or two
// (threads_per_task), and its cross-parameter rules rejected with exit code 2.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "cli_checks.hpp"
#include "cli_runner.hpp"
#include "test_dir.hpp"

namespace partita::cli_test {
namespace {

class HeatKernel : public ::testing::Test {
 protected:
  CommandResult run_job(const fs::path& job, const std::string& name, int threads_per_task) {
    return run_shell(partita("run " + quote(job.string()) + " --out " + quote(out(name).string()) +
                             " --quiet --threads 2 --threads-per-task " + std::to_string(threads_per_task)));
  }
  fs::path out(const std::string& name) const { return dir_ / ("out." + name); }

  TestDir dir_;
};

TEST(HeatKernelList, KernelsListsHeatWithItsParameters) {
  const auto result = run_shell(partita("kernels"));
  expect_success(result);
  const auto lines = lines_of(result.out);
  EXPECT_NE(std::find(lines.begin(), lines.end(), "heat"), lines.end()) << result.out;
  for (const char* name :
       {"nx", "ny", "steps", "alpha", "top", "bottom", "left", "right", "initial", "mean", "max_change", "checksum"}) {
    const bool listed = std::any_of(lines.begin(), lines.end(), [name](const std::string& line) {
      return line.rfind("    " + std::string(name) + " ", 0) == 0;
    });
    EXPECT_TRUE(listed) << name << " not listed\n" << result.out;
  }
}

// Step 0 is the initial field: with top = 1 and the rest 0 on an 8 x 4 grid
// the mean is the top row's 8 points over 32, exactly. A field that starts
// uniform never changes. Later steps spread the heat: the change shrinks.
TEST_F(HeatKernel, KnownValuesAndTheSameBitsOnOneOrTwoThreadsPerTask) {
  const auto job = dir_.write("job.toml",
                              "kernel = \"heat\"\n[params]\nnx = 8\nny = 4\n"
                              "[sweep]\nsteps = [0, 1, 40, 41]\n");
  expect_success(run_job(job, "one", 1));
  expect_success(run_job(job, "two", 2));
  EXPECT_EQ(read_file(out("one") / "results.csv"), read_file(out("two") / "results.csv"));
  const auto results = read_csv(out("two") / "results.csv");
  ASSERT_EQ(results.rows.size(), 4u);
  EXPECT_EQ(results.number(0, "mean"), 0.25);
  EXPECT_EQ(results.number(0, "max_change"), 0.0);
  EXPECT_EQ(results.number(1, "max_change"), 0.25);  // the points under the top row: 0 -> 1/4
  EXPECT_GT(results.number(2, "max_change"), results.number(3, "max_change"));
  EXPECT_GT(results.number(3, "mean"), results.number(0, "mean"));
  EXPECT_NE(results.at(2, "checksum"), results.at(3, "checksum"));

  const auto uniform = dir_.write("uniform.toml",
                                  "kernel = \"heat\"\n[params]\nnx = 300\nny = 200\nsteps = 3\ntop = 2.5\n"
                                  "bottom = 2.5\nleft = 2.5\nright = 2.5\ninitial = 2.5\n");
  expect_success(run_job(uniform, "uniform", 2));
  const auto flat = read_csv(out("uniform") / "results.csv");
  ASSERT_EQ(flat.rows.size(), 1u);
  EXPECT_EQ(flat.number(0, "mean"), 2.5);
  EXPECT_EQ(flat.number(0, "max_change"), 0.0);
}

TEST_F(HeatKernel, ZeroAlphaAndHugeGridsAreRejected) {
  const auto zero = dir_.write("zero.toml", "kernel = \"heat\"\n[params]\nalpha = 0.0\n");
  expect_bad_input(run_job(zero, "zero", 1), zero.string(), {"alpha = 0", "> 0"});
  const auto huge = dir_.write("huge.toml", "kernel = \"heat\"\n[params]\nnx = 16384\nny = 8192\n");
  expect_bad_input(run_job(huge, "huge", 1), huge.string(), {"nx x ny", "16384 x 8192", "67108864"});
  EXPECT_FALSE(fs::exists(out("zero")));
  EXPECT_FALSE(fs::exists(out("huge")));
}

}  // namespace
}  // namespace partita::cli_test

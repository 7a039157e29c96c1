// The numeric kernels (solve, nbody) end to end: listed by `partita
// kernels`, accurate results, and nbody's byte-identical results whether a
// task runs on one thread or two (threads_per_task).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "cli_checks.hpp"
#include "cli_runner.hpp"
#include "test_dir.hpp"

namespace partita::cli_test {
namespace {

CommandResult run_job(const fs::path& job, const fs::path& out, const std::string& extra) {
  return run_shell(partita("run " + quote(job.string()) + " --out " + quote(out.string()) + " --quiet " + extra));
}

TEST(NumericKernelsList, KernelsListsSolveAndNbody) {
  const auto result = run_shell(partita("kernels"));
  expect_success(result);
  const auto lines = lines_of(result.out);
  for (const char* kernel : {"solve", "nbody"}) {
    EXPECT_NE(std::find(lines.begin(), lines.end(), kernel), lines.end()) << kernel << "\n" << result.out;
  }
  for (const char* name : {"n", "nrhs", "matrix", "backward_error", "solution_norm", "bodies", "steps", "dt",
                           "softening", "energy_drift", "virial_ratio"}) {
    const bool listed = std::any_of(lines.begin(), lines.end(), [name](const std::string& line) {
      return line.rfind("    " + std::string(name) + " ", 0) == 0;
    });
    EXPECT_TRUE(listed) << name << " not listed\n" << result.out;
  }
  EXPECT_NE(result.out.find("Backend: "), std::string::npos) << "solve names its dense backend";
}

// A backward-stable solve: normwise backward error below n eps.
TEST(NumericKernels, SolveIsBackwardStable) {
  TestDir dir;
  const auto job = dir.write("job.toml",
                             "kernel = \"solve\"\nrepeat = 2\n[params]\nnrhs = 2\n"
                             "[sweep]\nn = [10, 120]\nmatrix = [\"general\", \"spd\"]\n");
  expect_success(run_job(job, dir / "out", "--threads 2"));
  const auto results = read_csv(dir / "out" / "results.csv");
  ASSERT_EQ(results.rows.size(), 8u);
  for (std::size_t task = 0; task < results.rows.size(); ++task) {
    const double n = results.number(task, "n");
    const double error = results.number(task, "backward_error");
    EXPECT_GT(error, 0.0) << "task " << task;
    EXPECT_LT(error, n * std::numeric_limits<double>::epsilon()) << "task " << task;
    EXPECT_GT(results.number(task, "solution_norm"), 0.0) << "task " << task;
  }
}

TEST(NumericKernels, NbodyIsTheSameOnOneOrTwoThreadsPerTask) {
  TestDir dir;
  const auto job = dir.write("job.toml",
                             "kernel = \"nbody\"\nseed = 4\nrepeat = 3\n[params]\nbodies = 150\nsteps = 40\n");
  expect_success(run_job(job, dir / "one", "--threads 2 --threads-per-task 1"));
  expect_success(run_job(job, dir / "two", "--threads 2 --threads-per-task 2"));
  const std::string one = read_file(dir / "one" / "results.csv");
  EXPECT_FALSE(one.empty());
  EXPECT_EQ(read_file(dir / "two" / "results.csv"), one);
  const auto results = read_csv(dir / "one" / "results.csv");
  ASSERT_EQ(results.rows.size(), 3u);
  for (std::size_t task = 0; task < 3; ++task) {
    EXPECT_LT(std::fabs(results.number(task, "energy_drift")), 1e-5) << "task " << task;
    EXPECT_LT(results.number(task, "energy_start"), 0.0) << "a bound system";
  }
}

}  // namespace
}  // namespace partita::cli_test

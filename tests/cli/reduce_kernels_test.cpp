// The reduction kernels (dot, histogram) end to end: listed by `partita
// kernels`, exact where the exact answer is known, the same results.csv
// whatever threads each task gets, and their cross-parameter rule.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "cli_checks.hpp"
#include "cli_runner.hpp"
#include "test_dir.hpp"

namespace partita::cli_test {
namespace {

TEST(ReduceKernelsList, KernelsListsDotAndHistogram) {
  const auto result = run_shell(partita("kernels"));
  expect_success(result);
  const auto lines = lines_of(result.out);
  for (const char* kernel : {"dot", "histogram"}) {
    EXPECT_NE(std::find(lines.begin(), lines.end(), kernel), lines.end()) << kernel << "\n" << result.out;
  }
  for (const char* name : {"n", "sum_exact", "dot_naive", "dot_error", "samples", "bins", "in_range", "mean_bin"}) {
    const bool listed = std::any_of(lines.begin(), lines.end(), [name](const std::string& line) {
      return line.rfind("    " + std::string(name) + " ", 0) == 0;
    });
    EXPECT_TRUE(listed) << name << " not listed\n" << result.out;
  }
  EXPECT_NE(result.out.find("cancelling"), std::string::npos);
}

// Cancelling vectors of even length have an exact sum and dot of 0, which
// naive loops miss; one thread per task or two, the files are the same.
TEST(ReduceKernels, DotIsExactAndTheSameAtAnyThreadsPerTask) {
  TestDir dir;
  const auto job = dir.write("job.toml",
                             "kernel = \"dot\"\nrepeat = 2\n[params]\nn = 70000\ndistribution = \"cancelling\"\n");
  const auto run = [&](const std::string& out, const std::string& threads) {
    return run_shell(partita("run " + quote(job.string()) + " --out " + quote((dir / out).string()) +
                             " --quiet " + threads));
  };
  expect_success(run("one", "--threads 1"));
  expect_success(run("two", "--threads 2 --threads-per-task 2"));
  const auto results = read_csv(dir / "one" / "results.csv");
  ASSERT_EQ(results.rows.size(), 2u);
  for (std::size_t row = 0; row < 2; ++row) {
    EXPECT_EQ(results.number(row, "sum_exact"), 0.0);
    EXPECT_EQ(results.number(row, "dot_exact"), 0.0);
    EXPECT_NE(results.number(row, "dot_naive"), 0.0);
  }
  EXPECT_EQ(read_file(dir / "two" / "results.csv"), read_file(dir / "one" / "results.csv"));
}

TEST(ReduceKernels, HistogramCountsEverySampleAndChecksItsRange) {
  TestDir dir;
  const auto job = dir.write("job.toml", "kernel = \"histogram\"\n[params]\nsamples = 5000\nbins = 8\n");
  expect_success(run_shell(partita("run " + quote(job.string()) + " --quiet")));
  const auto results = read_csv(dir / "job.out" / "results.csv");
  ASSERT_EQ(results.rows.size(), 1u);
  EXPECT_EQ(results.number(0, "in_range") + results.number(0, "underflow") + results.number(0, "overflow"), 5000.0);
  const auto bad = dir.write("bad.toml", "kernel = \"histogram\"\n[params]\nlower = 2\nupper = 1\n");
  expect_bad_input(run_shell(partita("run " + quote(bad.string()) + " --quiet")), bad.string(),
                   {"lower must be < upper"});
}

}  // namespace
}  // namespace partita::cli_test

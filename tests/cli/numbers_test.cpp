// The numbers a run writes are right, not only well formed: estimates land
// within 5 standard errors of integrals known in closed form. Seeds are
// fixed, so each check gives the same verdict every run.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "cli_checks.hpp"
#include "cli_runner.hpp"
#include "test_dir.hpp"

namespace partita::cli_test {
namespace {

// Runs the job on one rank and returns its summary.csv.
CsvTable run_and_summarise(const TestDir& dir, const std::string& toml) {
  const auto job = dir.write("job.toml", toml);
  const auto out = dir / "out";
  const auto result = run_shell(partita("run " + quote(job.string()) + " --out " + quote(out.string()) + " --quiet"));
  expect_success(result);
  return read_csv(out / "summary.csv");
}

// |mean - exact| < 5 stderr, with a stderr that is small but not zero,
// so a broken estimator cannot pass by reporting a huge or null error.
void expect_within_five_errors(const CsvTable& summary, std::size_t point, double exact, double max_stderr) {
  const double mean = summary.number(point, "estimate_mean");
  const double stderr_of_mean = summary.number(point, "estimate_stderr");
  EXPECT_GT(stderr_of_mean, 0.0);
  EXPECT_LT(stderr_of_mean, max_stderr);
  EXPECT_LT(std::abs(mean - exact), 5 * stderr_of_mean)
      << "point " << point << ": mean " << mean << " vs exact " << exact << ", stderr " << stderr_of_mean;

  // The kernel's own per-task error must match the scatter across repeats
  // (with 20 repeats the sample std dev is within ~16% of the true one at
  // one sigma, so a factor of 2 either way fails only a wrong formula).
  const double scatter = summary.number(point, "estimate_std");
  const double claimed = summary.number(point, "std_error_mean");
  EXPECT_GT(claimed, 0.5 * scatter) << "point " << point;
  EXPECT_LT(claimed, 2.0 * scatter) << "point " << point;
}

TEST(Numbers, PiWithinFiveStandardErrors) {
  const TestDir dir;
  const auto summary =
      run_and_summarise(dir, "kernel = \"pi\"\nseed = 7\nrepeat = 20\n[params]\nsamples = 200000\n");
  ASSERT_EQ(summary.rows.size(), 1u);
  EXPECT_EQ(summary.at(0, "n"), "20");
  expect_within_five_errors(summary, 0, std::numbers::pi, 0.002);
}

TEST(Numbers, PolynomialIntegralIsDimOverThree) {
  const TestDir dir;
  // sum x_i^2 over [0,1]^dim integrates to dim/3.
  const auto summary = run_and_summarise(
      dir,
      "kernel = \"integrate\"\nseed = 11\nrepeat = 20\n[params]\nintegrand = \"polynomial\"\nsamples = 50000\n"
      "[sweep]\ndim = [1, 2, 3]\n");
  ASSERT_EQ(summary.rows.size(), 3u);
  for (std::size_t point = 0; point < 3; ++point) {
    const double dim = static_cast<double>(point + 1);
    EXPECT_EQ(summary.at(point, "dim"), std::to_string(point + 1));
    expect_within_five_errors(summary, point, dim / 3.0, 0.002);
  }
}

TEST(Numbers, ShiftedBoxScalesTheIntegral) {
  const TestDir dir;
  // Over [1,2]: integral of x^2 is (8 - 1) / 3 = 7/3; checks lower/upper.
  const auto summary = run_and_summarise(
      dir,
      "kernel = \"integrate\"\nseed = 3\nrepeat = 20\n[params]\nintegrand = \"polynomial\"\ndim = 1\n"
      "samples = 50000\nlower = 1.0\nupper = 2.0\n");
  ASSERT_EQ(summary.rows.size(), 1u);
  expect_within_five_errors(summary, 0, 7.0 / 3.0, 0.005);
}

}  // namespace
}  // namespace partita::cli_test

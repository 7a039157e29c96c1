// The irregular kernels (synthetic, mandelbrot) end to end: listed by
// `partita kernels`, their outputs, byte-identical results whether the
// schedule is static or auto (which reorders tasks by their cost hints),
// and their cross-parameter rules rejected with exit code 2.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "cli_checks.hpp"
#include "cli_runner.hpp"
#include "test_dir.hpp"

namespace partita::cli_test {
namespace {

// The synthetic kernel's fixed calibration (partita/kernels/synthetic.hpp).
constexpr double iterations_per_us = 640.0;

class IrregularKernels : public ::testing::Test {
 protected:
  // Runs job.toml with two threads under `schedule`, output under out.<schedule>/.
  CommandResult run_job(const std::string& schedule) {
    return run_shell(partita("run " + quote(job_.string()) + " --out " + quote(out(schedule).string()) +
                             " --threads 2 --quiet --schedule " + schedule));
  }
  fs::path out(const std::string& schedule) const { return dir_ / ("out." + schedule); }

  // Runs the job under static and auto and checks both files match byte for byte.
  void expect_same_under_static_and_auto() {
    for (const char* schedule : {"static", "auto"}) {
      SCOPED_TRACE(schedule);
      expect_success(run_job(schedule));
    }
    for (const char* file : {"results.csv", "summary.csv"}) {
      const std::string reference = read_file(out("static") / file);
      EXPECT_FALSE(reference.empty()) << file;
      EXPECT_EQ(read_file(out("auto") / file), reference) << file << " differs between static and auto";
    }
  }

  TestDir dir_;
  fs::path job_;
};

std::string all_rows(int height) {
  std::string list;
  for (int r = 0; r < height; ++r) list += (r == 0 ? "" : ", ") + std::to_string(r);
  return "[" + list + "]";
}

TEST(IrregularKernelsList, KernelsListsSyntheticAndMandelbrot) {
  const auto result = run_shell(partita("kernels"));
  expect_success(result);
  const auto lines = lines_of(result.out);
  for (const char* kernel : {"synthetic", "mandelbrot"}) {
    EXPECT_NE(std::find(lines.begin(), lines.end(), kernel), lines.end()) << kernel << "\n" << result.out;
  }
  for (const char* name : {"distribution", "mean_us", "alpha", "cost_us", "checksum", "row", "width", "height",
                           "max_iter", "x_min", "y_max", "escaped", "inside", "mean_escape"}) {
    const bool listed = std::any_of(lines.begin(), lines.end(), [name](const std::string& line) {
      return line.rfind("    " + std::string(name) + " ", 0) == 0;
    });
    EXPECT_TRUE(listed) << name << " not listed\n" << result.out;
  }
  EXPECT_NE(result.out.find("pareto"), std::string::npos);
}

TEST_F(IrregularKernels, SyntheticParetoIsTheSameUnderStaticAndAuto) {
  job_ = dir_.write("job.toml",
                    "kernel = \"synthetic\"\nseed = 3\nrepeat = 40\n"
                    "[params]\ndistribution = \"pareto\"\nmean_us = 200\n");
  expect_same_under_static_and_auto();

  const auto results = read_csv(out("auto") / "results.csv");
  const std::vector<std::string> header{"task", "repeat", "cost_us", "iterations", "checksum"};
  EXPECT_EQ(results.header, header);
  ASSERT_EQ(results.rows.size(), 40u);
  // Pareto with alpha 1.5 and mean 200 never draws below its scale, 200/3.
  for (std::size_t task = 0; task < results.rows.size(); ++task) {
    SCOPED_TRACE("task " + std::to_string(task));
    const double cost = results.number(task, "cost_us");
    EXPECT_GE(cost, 200.0 / 3.0);
    EXPECT_EQ(results.number(task, "iterations"), std::round(cost * iterations_per_us));
  }
}

TEST_F(IrregularKernels, MandelbrotRowsAreTheSameUnderStaticAndAuto) {
  job_ = dir_.write("job.toml",
                    "kernel = \"mandelbrot\"\n[params]\nwidth = 64\nheight = 16\nmax_iter = 200\n"
                    "[sweep]\nrow = " + all_rows(16) + "\n");
  expect_same_under_static_and_auto();

  const auto results = read_csv(out("auto") / "results.csv");
  ASSERT_EQ(results.rows.size(), 16u);
  double inside = 0;
  for (std::size_t r = 0; r < 16; ++r) {
    SCOPED_TRACE("row " + std::to_string(r));
    EXPECT_EQ(results.at(r, "row"), std::to_string(r));
    EXPECT_EQ(results.number(r, "escaped") + results.number(r, "inside"), 64.0);
    inside += results.number(r, "inside");
    // The default region is symmetric about y = 0 and its pixel rows are
    // exact binary fractions, so row r and row 15 - r are mirror images.
    for (const char* column : {"escaped", "inside", "iterations", "mean_escape"}) {
      EXPECT_EQ(results.at(r, column), results.at(15 - r, column)) << column;
    }
  }
  EXPECT_GT(inside, 0.0);
}

TEST_F(IrregularKernels, ParetoAlphaOneIsRejected) {
  job_ = dir_.write("job.toml",
                    "kernel = \"synthetic\"\n[params]\ndistribution = \"pareto\"\nalpha = 1.0\n");
  expect_bad_input(run_job("auto"), job_.string(), {"alpha = 1", "> 1", "pareto"});
  EXPECT_FALSE(fs::exists(out("auto")));
}

TEST_F(IrregularKernels, MandelbrotRowBeyondHeightIsRejected) {
  job_ = dir_.write("job.toml",
                    "kernel = \"mandelbrot\"\n[params]\nheight = 16\n[sweep]\nrow = [0, 15, 16]\n");
  expect_bad_input(run_job("auto"), job_.string(), {"row = 16", "height = 16"});
  EXPECT_FALSE(fs::exists(out("auto")));
}

}  // namespace
}  // namespace partita::cli_test

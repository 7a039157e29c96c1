// Successful runs, end to end: the files a run writes, their exact layout
// and row order, and the informational commands.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cli_checks.hpp"
#include "cli_runner.hpp"
#include "test_dir.hpp"

namespace partita::cli_test {
namespace {

class Success : public ::testing::Test {
 protected:
  // Runs the job single-rank with one thread, output under out/.
  CommandResult run_job(const std::string& toml, const std::string& extra_args = "--quiet") {
    const auto job = dir_.write("job.toml", toml);
    return run_shell(partita("run " + quote(job.string()) + " --out " + quote(out().string()) + " --threads 1 " +
                             extra_args));
  }
  fs::path out() const { return dir_ / "out"; }

  TestDir dir_;
};

// The grid's first axis in the file varies slowest and repeats fastest:
// task = (point x repeat) + r, point = mixed radix over the axes in file order.
TEST_F(Success, GridSweepFollowsFileOrder) {
  const std::vector<std::string> dims{"1", "2", "3"};
  const std::vector<std::string> integrands{"polynomial", "gaussian"};
  const auto result = run_job(
      "kernel = \"integrate\"\nseed = 5\nrepeat = 2\n[params]\nsamples = 100\n"
      "[sweep]\ndim = [1, 2, 3]\nintegrand = [\"polynomial\", \"gaussian\"]\n");
  expect_success(result);
  EXPECT_EQ(result.out, "") << "--quiet must print nothing";

  const auto results = read_csv(out() / "results.csv");
  const std::vector<std::string> header{"task", "dim", "integrand", "repeat", "estimate", "std_error"};
  EXPECT_EQ(results.header, header);
  ASSERT_EQ(results.rows.size(), 12u);  // 3 x 2 points x repeat 2
  for (std::size_t task = 0; task < 12; ++task) {
    SCOPED_TRACE("task " + std::to_string(task));
    EXPECT_EQ(results.at(task, "task"), std::to_string(task));
    EXPECT_EQ(results.at(task, "dim"), dims[task / 4]);
    EXPECT_EQ(results.at(task, "integrand"), integrands[(task / 2) % 2]);
    EXPECT_EQ(results.at(task, "repeat"), std::to_string(task % 2));
    EXPECT_GT(results.number(task, "estimate"), 0.0);
    EXPECT_GT(results.number(task, "std_error"), 0.0);
  }

  const auto summary = read_csv(out() / "summary.csv");
  const std::vector<std::string> summary_header{
      "point",          "dim",           "integrand",      "n",
      "estimate_mean",  "estimate_std",  "estimate_stderr", "std_error_mean",
      "std_error_std",  "std_error_stderr"};
  EXPECT_EQ(summary.header, summary_header);
  ASSERT_EQ(summary.rows.size(), 6u);
  for (std::size_t point = 0; point < 6; ++point) {
    SCOPED_TRACE("point " + std::to_string(point));
    EXPECT_EQ(summary.at(point, "point"), std::to_string(point));
    EXPECT_EQ(summary.at(point, "dim"), dims[point / 2]);
    EXPECT_EQ(summary.at(point, "integrand"), integrands[point % 2]);
    EXPECT_EQ(summary.at(point, "n"), "2");
    // The mean of a point is the mean of its two rows in results.csv.
    const double mean = (results.number(2 * point, "estimate") + results.number(2 * point + 1, "estimate")) / 2;
    EXPECT_DOUBLE_EQ(summary.number(point, "estimate_mean"), mean);
  }

  const std::string report = read_file(out() / "report.json");
  for (const char* field : {"\"complete\": true,", "\"kernel\": \"integrate\",", "\"tasks\": 12,",
                            "\"points\": 6,", "\"repeat\": 2,", "\"ranks\": 1,", "\"threads_per_rank\": 1,",
                            "\"schedule\": \"auto\","}) {
    EXPECT_NE(report.find(field), std::string::npos) << "report.json lacks " << field << "\n" << report;
  }
  EXPECT_EQ(report.front(), '{');
  EXPECT_EQ(report.substr(report.size() - 2), "}\n");
}

TEST_F(Success, GridAxesReversedInFileSwapRowOrder) {
  const auto result = run_job(
      "kernel = \"integrate\"\n[params]\nsamples = 100\n"
      "[sweep]\nintegrand = [\"polynomial\", \"gaussian\"]\ndim = [1, 2, 3]\n");
  expect_success(result);
  const auto results = read_csv(out() / "results.csv");
  const std::vector<std::string> header{"task", "integrand", "dim", "repeat", "estimate", "std_error"};
  EXPECT_EQ(results.header, header);
  ASSERT_EQ(results.rows.size(), 6u);
  for (std::size_t task = 0; task < 6; ++task) {
    EXPECT_EQ(results.at(task, "integrand"), task < 3 ? "polynomial" : "gaussian") << "task " << task;
    EXPECT_EQ(results.at(task, "dim"), std::to_string(task % 3 + 1)) << "task " << task;
    EXPECT_EQ(results.at(task, "repeat"), "0");
  }
}

TEST_F(Success, ZipSweepPairsListsElementByElement) {
  const auto result = run_job(
      "kernel = \"integrate\"\n[params]\nsamples = 100\n"
      "[sweep]\nmode = \"zip\"\ndim = [1, 2, 3]\nintegrand = [\"ball\", \"gaussian\", \"polynomial\"]\n");
  expect_success(result);
  const auto results = read_csv(out() / "results.csv");
  ASSERT_EQ(results.rows.size(), 3u);
  const std::vector<std::string> integrands{"ball", "gaussian", "polynomial"};
  for (std::size_t task = 0; task < 3; ++task) {
    EXPECT_EQ(results.at(task, "dim"), std::to_string(task + 1));
    EXPECT_EQ(results.at(task, "integrand"), integrands[task]);
  }
}

TEST_F(Success, JsonlFormatWritesOneObjectPerTask) {
  const auto result = run_job(
      "kernel = \"integrate\"\nrepeat = 2\n[params]\nsamples = 100\n[output]\nformat = \"jsonl\"\n"
      "[sweep]\ndim = [1, 2]\nintegrand = [\"polynomial\", \"ball\"]\n");
  expect_success(result);
  EXPECT_FALSE(fs::exists(out() / "results.csv"));
  const std::string text = read_file(out() / "results.jsonl");
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  const auto lines = lines_of(text);
  ASSERT_EQ(lines.size(), 8u);
  const std::vector<std::string> dims{"1", "2"};
  const std::vector<std::string> integrands{"polynomial", "ball"};
  for (std::size_t task = 0; task < lines.size(); ++task) {
    const std::string& line = lines[task];
    const std::string prefix = "{\"task\":" + std::to_string(task) + ",\"dim\":" + dims[task / 4] +
                               ",\"integrand\":\"" + integrands[(task / 2) % 2] +
                               "\",\"repeat\":" + std::to_string(task % 2) + ",\"estimate\":";
    EXPECT_EQ(line.rfind(prefix, 0), 0u) << line;
    EXPECT_NE(line.find(",\"std_error\":"), std::string::npos) << line;
    EXPECT_EQ(line.back(), '}') << line;
    EXPECT_EQ(line.find("null"), std::string::npos) << line;
  }
  // The summary stays CSV whatever the results' format.
  EXPECT_EQ(read_csv(out() / "summary.csv").rows.size(), 4u);
}

TEST_F(Success, NoSweepIsOnePointWithRepeats) {
  const auto result = run_job("kernel = \"pi\"\nrepeat = 4\n[params]\nsamples = 1000\n");
  expect_success(result);
  const auto results = read_csv(out() / "results.csv");
  const std::vector<std::string> header{"task", "repeat", "estimate", "std_error"};
  EXPECT_EQ(results.header, header);
  ASSERT_EQ(results.rows.size(), 4u);
  const auto summary = read_csv(out() / "summary.csv");
  ASSERT_EQ(summary.rows.size(), 1u);
  EXPECT_EQ(summary.at(0, "n"), "4");
}

// A spec's paths are relative to its own folder, wherever partita runs.
TEST_F(Success, OutputDirFromJobIsRelativeToTheJobFile) {
  const auto job = dir_.write("job.toml", "kernel = \"pi\"\n[params]\nsamples = 100\n[output]\ndir = \"custom\"\n");
  fs::create_directories(dir_ / "elsewhere");
  const auto result = run_shell("cd " + quote((dir_ / "elsewhere").string()) + " && " +
                                partita("run ../job.toml --threads 1 --quiet"));
  EXPECT_FALSE(fs::exists(dir_ / "elsewhere" / "custom"));
  expect_success(result);
  EXPECT_TRUE(fs::is_regular_file(dir_ / "custom" / "results.csv"));
  EXPECT_TRUE(fs::is_regular_file(dir_ / "custom" / "summary.csv"));
  EXPECT_TRUE(fs::is_regular_file(dir_ / "custom" / "report.json"));
  // Atomic writes leave no temporary files or write probes behind: the three
  // files, the journal directory and the run lock, nothing else.
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir_ / "custom")) ++entries;
  EXPECT_EQ(entries, 5u);
  EXPECT_TRUE(fs::is_regular_file(dir_ / "custom" / ".partita.lock"));
  EXPECT_TRUE(fs::is_directory(dir_ / "custom" / "journal"));
}

TEST_F(Success, DefaultOutputDirIsNamedAfterTheJob) {
  dir_.write("my_job.toml", "kernel = \"pi\"\n[params]\nsamples = 100\n");
  const auto result =
      run_shell("cd " + quote(dir_.path().string()) + " && " + partita("run my_job.toml --threads 1 --quiet"));
  expect_success(result);
  EXPECT_TRUE(fs::is_regular_file(dir_ / "my_job.out" / "results.csv"));
}

TEST_F(Success, WithoutQuietPrintsSummaryAndFiles) {
  const auto result = run_job("kernel = \"pi\"\nrepeat = 3\n[params]\nsamples = 1000\n", "");
  expect_success(result);
  // The first line names the job, kernel and task count; its exact wording
  // is for people, so only those facts are checked.
  const auto lines = lines_of(result.out);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.front().rfind("job: kernel pi, 3 tasks", 0), 0u) << result.out;
  EXPECT_NE(result.out.find((out() / "summary.csv").string()), std::string::npos) << result.out;
}

// A directory that holds a run's journal is not silently overwritten.
TEST_F(Success, RerunNeedsResumeOrRestart) {
  ASSERT_EQ(run_job("kernel = \"pi\"\nrepeat = 5\n[params]\nsamples = 100\n").exit_code, 0);
  const auto refused = run_job("kernel = \"pi\"\nrepeat = 2\n[params]\nsamples = 100\n");
  expect_bad_input(refused, "", {"output directory", "journal", "--resume", "--restart"});
  EXPECT_EQ(read_csv(out() / "results.csv").rows.size(), 5u) << "the refused run touched nothing";
  const auto job = dir_.write("job.toml", "kernel = \"pi\"\nrepeat = 2\n[params]\nsamples = 100\n");
  const auto restarted =
      run_shell(partita("run " + quote(job.string()) + " --out " + quote(out().string()) + " --quiet --restart"));
  expect_success(restarted);
  EXPECT_EQ(read_csv(out() / "results.csv").rows.size(), 2u);
}

TEST(Commands, KernelsListsKernelsWithParameters) {
  const auto result = run_shell(partita("kernels"));
  expect_success(result);
  const auto lines = lines_of(result.out);
  // Kernel names stand alone at the start of a line; parameters are indented.
  auto has_line = [&lines](const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
  };
  EXPECT_TRUE(has_line("pi")) << result.out;
  EXPECT_TRUE(has_line("integrate")) << result.out;
  auto has_param = [&lines](const std::string& name) {
    return std::any_of(lines.begin(), lines.end(),
                       [&name](const std::string& l) { return l.rfind("    " + name + " ", 0) == 0; });
  };
  for (const char* param : {"samples", "integrand", "dim", "lower", "upper", "estimate", "std_error"}) {
    EXPECT_TRUE(has_param(param)) << param << " not listed\n" << result.out;
  }
  for (const char* choice : {"polynomial", "gaussian", "ball"}) {
    EXPECT_NE(result.out.find(choice), std::string::npos) << choice;
  }
}

TEST(Commands, VersionPrintsProjectVersion) {
  const auto result = run_shell(partita("--version"));
  expect_success(result);
  EXPECT_EQ(result.out, "partita " + expected_version() + "\n");
}

TEST(Commands, HelpExitsZeroAndListsSubcommands) {
  const auto result = run_shell(partita("--help"));
  expect_success(result);
  EXPECT_NE(result.out.find("run"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("kernels"), std::string::npos) << result.out;
  const auto run_help = run_shell(partita("run --help"));
  expect_success(run_help);
  for (const char* option : {"--out", "--threads", "--schedule", "--quiet"}) {
    EXPECT_NE(run_help.out.find(option), std::string::npos) << option << "\n" << run_help.out;
  }
}

}  // namespace
}  // namespace partita::cli_test

// A failing task fails alone: the job goes on, failures.csv names it, the
// exit code says so, retries rerun it, and max_failures stops the job.
#include <gtest/gtest.h>

#include <string>

#include "cli_checks.hpp"
#include "cli_runner.hpp"
#include "test_dir.hpp"

namespace partita::cli_test {
namespace {

std::string failing_job(const std::string& extra) {
  return "kernel = \"synthetic\"\nseed = 11\nrepeat = 50\n" + extra +
         "[params]\ndistribution = \"constant\"\nmean_us = 50\nfail_fraction = 0.2\n";
}

class TaskFailures : public ::testing::Test {
 protected:
  CommandResult run(const std::string& toml, const std::string& args = "") {
    const auto job = dir_.write("job.toml", toml);
    return run_shell(
        partita("run " + quote(job.string()) + " --out " + quote(out().string()) + " --quiet --restart " + args));
  }
  fs::path out() const { return dir_ / "out"; }
  TestDir dir_;
};

TEST_F(TaskFailures, JobGoesOnAndFailuresAreListed) {
  const auto result = run(failing_job(""), "--threads 2");
  EXPECT_EQ(result.exit_code, 3) << describe(result);
  expect_no_crash_text(result);
  EXPECT_NE(result.err.find("tasks failed (first: task"), std::string::npos) << describe(result);
  const auto failures = read_csv(out() / "failures.csv");
  ASSERT_FALSE(failures.rows.empty());
  EXPECT_EQ(failures.header, (std::vector<std::string>{"task", "repeat", "attempts", "crashes", "quarantined", "message"}));
  const auto results = read_csv(out() / "results.csv");
  ASSERT_EQ(results.rows.size(), 50u) << "every task has a row, failed ones with empty outputs";
  std::size_t empty = 0;
  for (const auto& row : results.rows) empty += row.back().empty() ? 1 : 0;
  EXPECT_EQ(empty, failures.rows.size());
  for (const auto& row : failures.rows) {
    EXPECT_EQ(row[2], "1");
    EXPECT_EQ(row[3], "0") << "a kernel that throws does not crash anything";
    EXPECT_EQ(row[4], "no");
    EXPECT_NE(row[5].find("injected failure"), std::string::npos);
    EXPECT_TRUE(results.rows.at(std::stoul(row[0])).back().empty()) << "task " << row[0];
  }
  // summary's n counts the repeats that succeeded.
  const auto summary = read_csv(out() / "summary.csv");
  EXPECT_EQ(summary.rows.at(0).at(1), std::to_string(50 - failures.rows.size()));
}

TEST_F(TaskFailures, SameFailuresForEverySchedule) {
  ASSERT_EQ(run(failing_job(""), "--schedule static").exit_code, 3);
  const std::string first = read_file(out() / "failures.csv") + read_file(out() / "results.csv");
  ASSERT_EQ(run(failing_job(""), "--schedule auto --threads 2").exit_code, 3);
  EXPECT_EQ(read_file(out() / "failures.csv") + read_file(out() / "results.csv"), first);
}

TEST_F(TaskFailures, NonFiniteOutputIsAFailure) {
  const auto result = run(failing_job("") + "failure = \"nan\"\n");
  EXPECT_EQ(result.exit_code, 3) << describe(result);
  const auto failures = read_csv(out() / "failures.csv");
  ASSERT_FALSE(failures.rows.empty());
  EXPECT_NE(failures.rows[0][5].find("output 'checksum' is not finite"), std::string::npos) << failures.rows[0][5];
}

TEST_F(TaskFailures, RetriesRunTheSameComputationAgain) {
  const auto result = run(failing_job("retries = 2\n"));
  EXPECT_EQ(result.exit_code, 3) << describe(result);
  const auto failures = read_csv(out() / "failures.csv");
  ASSERT_FALSE(failures.rows.empty());
  for (const auto& row : failures.rows) EXPECT_EQ(row[2], "3") << "1 attempt + 2 retries";
}

TEST_F(TaskFailures, MaxFailuresStopsTheJobEarly) {
  const auto result = run(failing_job("max_failures = 2\n"), "--threads 1 --schedule static");
  EXPECT_EQ(result.exit_code, 4) << describe(result);
  EXPECT_NE(result.err.find("max_failures = 2"), std::string::npos) << describe(result);
  EXPECT_FALSE(fs::exists(out() / "results.csv")) << "an unfinished job writes no results.csv";
  const std::string report = read_file(out() / "report.json");
  EXPECT_NE(report.find("\"complete\": false"), std::string::npos) << report;
  EXPECT_EQ(read_csv(out() / "failures.csv").rows.size(), 3u);
}

TEST_F(TaskFailures, AllGoodRemovesAStaleFailuresFile) {
  ASSERT_EQ(run(failing_job("")).exit_code, 3);
  ASSERT_TRUE(fs::exists(out() / "failures.csv"));
  const auto result = run("kernel = \"synthetic\"\nrepeat = 5\n[params]\nmean_us = 10\n");
  expect_success(result);
  EXPECT_FALSE(fs::exists(out() / "failures.csv"));
}

TEST_F(TaskFailures, BadMaxFailuresIsBadInput) {
  const auto job = dir_.write("bad.toml", "kernel = \"pi\"\nmax_failures = 1.5\n");
  expect_bad_input(run_shell(partita("run " + quote(job.string()))), job.string() + ":2",
                   {"max_failures = 1.5", "fraction"});
}

}  // namespace
}  // namespace partita::cli_test

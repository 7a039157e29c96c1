// Load balancing end to end: the trace file, progress events, placement
// warnings, threads per task, and auto keeping a tiny job on one rank.
#include <gtest/gtest.h>
#include <sched.h>

#include <regex>
#include <set>
#include <string>

#include "cli_checks.hpp"
#include "cli_runner.hpp"
#include "json_check.hpp"
#include "test_dir.hpp"

namespace partita::cli_test {
namespace {

// 60 synthetic tasks of ~1 ms each (pareto: uneven on purpose).
const char* const synthetic_job =
    "kernel = \"synthetic\"\nseed = 3\nrepeat = 60\n[params]\ndistribution = \"pareto\"\nmean_us = 1000\n";

class LoadBalance : public ::testing::Test {
 protected:
  fs::path job(const std::string& text = synthetic_job) { return dir_.write("job.toml", text); }
  fs::path out(const std::string& name = "out") const { return dir_ / name; }
  TestDir dir_;
};

// All the numbers after `"key": ` in a text.
std::vector<double> numbers_after(const std::string& text, const std::string& key) {
  std::vector<double> found;
  const std::regex pattern("\"" + key + "\": (-?[0-9.eE+-]+)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), pattern); it != std::sregex_iterator(); ++it) {
    found.push_back(std::stod((*it)[1]));
  }
  return found;
}

TEST_F(LoadBalance, TraceIsValidJsonWithOneSlicePerTask) {
  const auto trace = dir_ / "trace.json";
  const auto result = run_shell(mpiexec_partita(2, "run " + quote(job().string()) + " --out " + quote(out().string()) +
                                                       " --quiet --threads 2 --trace " + quote(trace.string())));
  expect_success(result);
  const std::string text = read_file(trace);
  ASSERT_EQ(json_error(text), "") << text.substr(0, 400);
  const auto ids = numbers_after(text, "id");
  ASSERT_EQ(ids.size(), 60u);
  EXPECT_EQ(std::set<double>(ids.begin(), ids.end()).size(), 60u) << "a task appears twice";
  // One track per rank and worker, each named.
  EXPECT_NE(text.find("\"rank 1\""), std::string::npos);
  EXPECT_NE(text.find("\"worker 1\""), std::string::npos);
  for (double d : numbers_after(text, "dur")) EXPECT_GE(d, 0.0);
}

TEST_F(LoadBalance, ReportIsValidJsonWithBalanceFigures) {
  const auto result = run_shell(partita("run " + quote(job().string()) + " --out " + quote(out().string()) +
                                        " --quiet --threads 2 --schedule guided"));
  expect_success(result);
  const std::string report = read_file(out() / "report.json");
  ASSERT_EQ(json_error(report), "") << report;
  EXPECT_NE(report.find("\"schedule\": \"guided\""), std::string::npos);
  ASSERT_EQ(numbers_after(report, "imbalance").size(), 1u);
  EXPECT_GE(numbers_after(report, "imbalance")[0], 1.0);
  const double efficiency = numbers_after(report, "parallel_efficiency").at(0);
  EXPECT_GT(efficiency, 0.0);
  EXPECT_LE(efficiency, 1.0 + 1e-9);
  // Per thread: tasks add up to the job's 60.
  double tasks = 0;
  for (double t : numbers_after(report, "tasks")) tasks += t;
  EXPECT_EQ(tasks, 60.0 + 60.0 + 60.0) << "job total + rank total + thread totals\n" << report;
}

TEST_F(LoadBalance, ProgressJsonIsOneEventPerLine) {
  const auto result = run_shell(partita("run " + quote(job().string()) + " --out " + quote(out().string()) +
                                        " --progress json --progress-interval 0.01 --threads 1"));
  expect_success(result);
  const auto lines = lines_of(result.out);
  ASSERT_GE(lines.size(), 2u) << result.out;
  for (const auto& line : lines) EXPECT_EQ(json_error(line), "") << line;
  EXPECT_NE(lines.front().find("\"event\": \"start\""), std::string::npos);
  EXPECT_NE(lines.back().find("\"event\": \"finish\""), std::string::npos);
  EXPECT_NE(lines.back().find("\"done\": 60"), std::string::npos);
  double last = -1;
  for (double done : numbers_after(result.out, "done")) {
    EXPECT_GE(done, last) << "progress went backwards";
    last = done;
  }
}

TEST_F(LoadBalance, TinyJobStaysOnOneRank) {
  const auto tiny = job("kernel = \"pi\"\nrepeat = 40\n[params]\nsamples = 10\n");
  const auto result = run_shell(mpiexec_partita(3, "run " + quote(tiny.string()) + " --out " +
                                                       quote(out().string()) + " --quiet --schedule auto"));
  expect_success(result);
  const std::string report = read_file(out() / "report.json");
  EXPECT_NE(report.find("\"spread_over_ranks\": false"), std::string::npos) << report;
  EXPECT_NE(report.find("too small"), std::string::npos);
}

TEST_F(LoadBalance, ThreadsPerTaskKeepsResultsAndNeverExceedsTheRank) {
  const auto one = run_shell(partita("run " + quote(job().string()) + " --out " + quote(out("one").string()) +
                                     " --quiet --threads 2 --threads-per-task 1"));
  const auto two = run_shell(partita("run " + quote(job().string()) + " --out " + quote(out("two").string()) +
                                     " --quiet --threads 2 --threads-per-task 2"));
  const auto many = run_shell(partita("run " + quote(job().string()) + " --out " + quote(out("many").string()) +
                                      " --quiet --threads 2 --threads-per-task 64"));
  expect_success(one);
  expect_success(two);
  expect_success(many);
  EXPECT_EQ(read_file(out("one") / "results.csv"), read_file(out("two") / "results.csv"));
  cpu_set_t set;
  CPU_ZERO(&set);
  sched_getaffinity(0, sizeof set, &set);
  const double threads = std::min(2, CPU_COUNT(&set));
  const std::string report = read_file(out("two") / "report.json");
  EXPECT_EQ(numbers_after(report, "threads_per_task").at(0), threads) << report;
  EXPECT_EQ(numbers_after(report, "workers").at(0), 1.0) << report;
  const std::string clamped = read_file(out("many") / "report.json");
  EXPECT_EQ(numbers_after(clamped, "threads_per_task").at(0), threads) << clamped;
}

// With OMP_PROC_BIND/OMP_PLACES set, OpenMP pins the main thread to one
// place at start-up; the rank still owns every CPU of its places.
TEST_F(LoadBalance, BoundThreadsStillSeeAllTheRanksCpus) {
  const auto result = run_shell("OMP_PROC_BIND=close OMP_PLACES=cores " +
                                partita("run " + quote(job().string()) + " --out " + quote(out().string()) +
                                        " --quiet --threads 2"));
  expect_success(result);
  cpu_set_t set;
  CPU_ZERO(&set);
  sched_getaffinity(0, sizeof set, &set);
  const std::string report = read_file(out() / "report.json");
  EXPECT_EQ(numbers_after(report, "threads_per_rank").at(0), std::min(2, CPU_COUNT(&set))) << report;
}

TEST_F(LoadBalance, BadThreadsPerTaskIsBadInput) {
  const auto bad = job("kernel = \"pi\"\nthreads_per_task = 0\n");
  expect_bad_input(run_shell(partita("run " + quote(bad.string()) + " --out " + quote(out().string()))),
                   bad.string() + ":2", {"threads_per_task = 0", "auto"});
  expect_usage_error(run_shell(partita("run " + quote(job().string()) + " --threads-per-task lots")),
                     "--threads-per-task", {"lots"});
}

// Placement warnings name the numbers and the fix, and can be turned off.
TEST_F(LoadBalance, OversubscriptionIsWarnedAboutUnlessSilenced) {
  const std::string args =
      "run " + quote(job().string()) + " --out " + quote(out().string()) + " --quiet --threads 2 --restart";
  const auto warned = run_shell("env -u PARTITA_NO_WARNINGS " + mpiexec_partita(3, args));
  EXPECT_EQ(warned.exit_code, 0) << describe(warned);
  EXPECT_NE(warned.err.find("partita: warning: the node of rank 0 runs 3 ranks x threads ="), std::string::npos)
      << describe(warned);
  EXPECT_NE(warned.err.find("OMP_PROC_BIND=close OMP_PLACES=cores"), std::string::npos) << describe(warned);
  const auto silenced = run_shell("env -u PARTITA_NO_WARNINGS " + mpiexec_partita(3, args + " --no-warnings"));
  expect_success(silenced);
}

}  // namespace
}  // namespace partita::cli_test

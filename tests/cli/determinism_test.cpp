// The same job gives byte-identical results.csv and summary.csv whatever
// runs it: one process or several MPI ranks, shared memory or TCP, one
// thread or several, static or cyclic schedule. Each launch is compared with
// a single-rank, single-thread reference run in the same test.
#include <gtest/gtest.h>
#include <sched.h>

#include <algorithm>
#include <ostream>
#include <string>

#include "cli_checks.hpp"
#include "cli_runner.hpp"
#include "test_dir.hpp"

namespace partita::cli_test {
namespace {

struct Launch {
  const char* name;
  int ranks;                    ///< 0: plain `partita run`, no mpiexec (a singleton)
  int threads;
  bool threads_from_env;        ///< OMP_NUM_THREADS rather than --threads
  const char* env;              ///< extra environment, e.g. the TCP transport
  const char* schedule;         ///< "static" or "cyclic"
};

// ctest -N shows each launch by name rather than as raw bytes.
void PrintTo(const Launch& launch, std::ostream* out) { *out << launch.name; }

struct Job {
  const char* name;
  const char* toml;
  std::size_t tasks;
};

// Small tasks: the point is many tasks spread over ranks and threads,
// with repeats, not long ones.
const Job jobs[] = {
    {"pi", "kernel = \"pi\"\nseed = 42\nrepeat = 5\n[sweep]\nsamples = [1000, 2000, 3000]\n", 15},
    {"integrate",
     "kernel = \"integrate\"\nseed = 9\nrepeat = 3\n[params]\nsamples = 2000\n"
     "[sweep]\ndim = [1, 3]\nintegrand = [\"polynomial\", \"ball\"]\n",
     12},
};

int cpus_available() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return CPU_COUNT(&set);
}

// The number after "key": in report.json; -1 if absent.
long report_number(const std::string& report, const std::string& key) {
  const std::string field = "\"" + key + "\": ";
  const auto at = report.find(field);
  return at == std::string::npos ? -1 : std::stol(report.substr(at + field.size()));
}

std::string report_text(const std::string& report, const std::string& key) {
  const std::string field = "\"" + key + "\": \"";
  const auto at = report.find(field);
  if (at == std::string::npos) return {};
  const auto start = at + field.size();
  return report.substr(start, report.find('"', start) - start);
}

std::string command_for(const Launch& launch, const fs::path& job, const fs::path& out) {
  std::string args = "run " + quote(job.string()) + " --out " + quote(out.string()) + " --quiet --schedule " +
                     launch.schedule;
  std::string env = launch.env;
  if (launch.threads_from_env) {
    env += " OMP_NUM_THREADS=" + std::to_string(launch.threads);
  } else {
    args += " --threads " + std::to_string(launch.threads);
  }
  const std::string command = launch.ranks == 0 ? partita(args) : mpiexec_partita(launch.ranks, args);
  return env.empty() ? command : "env " + env + " " + command;
}

const Launch reference{"reference", 0, 1, false, "", "static"};

class Determinism : public ::testing::TestWithParam<Launch> {
 protected:
  TestDir dir_;
};

TEST_P(Determinism, SameBytesAsSingleRankSingleThread) {
  const Launch& launch = GetParam();
  for (const Job& job : jobs) {
    SCOPED_TRACE(std::string("job ") + job.name);
    const auto file = dir_.write(std::string(job.name) + ".toml", job.toml);
    const auto ref_out = dir_ / (std::string(job.name) + ".reference");
    const auto out = dir_ / (std::string(job.name) + "." + launch.name);
    const auto ref_result = run_shell(command_for(reference, file, ref_out));
    expect_success(ref_result);
    const auto result = run_shell(command_for(launch, file, out));
    expect_success(result);
    if (HasFailure()) return;

    // The reference is a real run: every task has a row, so identical
    // bytes cannot come from two empty files.
    const std::string ref_results = read_file(ref_out / "results.csv");
    ASSERT_EQ(lines_of(ref_results).size(), job.tasks + 1);
    EXPECT_EQ(read_file(out / "results.csv"), ref_results);
    EXPECT_EQ(read_file(out / "summary.csv"), read_file(ref_out / "summary.csv"));

    // The job's identity does not depend on the launch either.
    const std::string report = read_file(out / "report.json");
    const std::string ref_report = read_file(ref_out / "report.json");
    EXPECT_EQ(report_text(report, "job_hash"), report_text(ref_report, "job_hash"));
    EXPECT_FALSE(report_text(report, "job_hash").empty());
    EXPECT_EQ(report_number(report, "ranks"), std::max(launch.ranks, 1)) << report;
    EXPECT_EQ(report_number(report, "threads_per_rank"), std::min(launch.threads, cpus_available())) << report;
    EXPECT_EQ(report_number(report, "tasks"), static_cast<long>(job.tasks));
    EXPECT_EQ(report_text(report, "schedule"), launch.schedule);
  }
}

// Uneven splits (4 ranks over 15 tasks), more ranks x threads than the 2
// cores here (3 x 2), the TCP transport (and the RMA component) that ranks
// on different nodes would use, every schedule, and a singleton with threads.
INSTANTIATE_TEST_SUITE_P(Launches, Determinism,
                         ::testing::Values(Launch{"np1_t1", 1, 1, false, "", "static"},
                                           Launch{"np2_t1_auto", 2, 1, true, "", "auto"},
                                           Launch{"np1_t2_guided", 1, 2, false, "", "guided"},
                                           Launch{"np3_t2_guided", 3, 2, true, "", "guided"},
                                           Launch{"np4_t1_dynamic", 4, 1, false, "", "dynamic:2"},
                                           Launch{"np2_t1_tcp", 2, 1, false, "OMPI_MCA_btl=self,tcp", "static"},
                                           Launch{"np3_t1_tcp_auto", 3, 1, false,
                                                  "OMPI_MCA_btl=self,tcp OMPI_MCA_osc=pt2pt", "auto"},
                                           Launch{"np3_t2_cyclic", 3, 2, false, "", "cyclic"},
                                           Launch{"singleton_t2_auto", 0, 2, true, "", "auto"}),
                         [](const ::testing::TestParamInfo<Launch>& launch) { return std::string(launch.param.name); });

}  // namespace
}  // namespace partita::cli_test

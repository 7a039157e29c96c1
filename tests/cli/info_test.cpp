// partita info under mpirun: one row per rank and thread with its CPUs, the
// JSON form, and the warnings for placements that waste or share cores.
#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "cli_checks.hpp"
#include "cli_runner.hpp"
#include "json_check.hpp"
#include "test_dir.hpp"

namespace partita::cli_test {
namespace {

// Placement as the test sets it, not as the environment running ctest does.
const std::string unbound = "env -u OMP_PROC_BIND -u OMP_PLACES OMPI_MCA_hwloc_base_binding_policy=none ";
const std::string bound_threads = "OMPI_MCA_hwloc_base_binding_policy=none OMP_PROC_BIND=close OMP_PLACES=cores ";

TEST(Info, OneRowPerRankAndThread) {
  const auto result = run_shell(bound_threads + mpiexec_partita(2, "info --threads 1"));
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  const auto rows = lines_of(result.out);
  ASSERT_EQ(rows.size(), 3u) << result.out;
  EXPECT_EQ(rows[0].rfind("host", 0), 0u) << rows[0];
  EXPECT_NE(rows[0].find("cpus"), std::string::npos);
  EXPECT_NE(rows[0].find("numa"), std::string::npos);
}

TEST(Info, JsonListsEveryThread) {
  const auto result = run_shell(bound_threads + mpiexec_partita(1, "info --threads 2 --json"));
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_EQ(json_error(result.out), "") << result.out;
  EXPECT_NE(result.out.find("\"rank\": 0, \"node_rank\": 0, \"thread\": 1"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("\"warnings\": ["), std::string::npos);
}

// Open MPI binds each of 2 ranks to one core: asking for 2 threads is clamped.
TEST(Info, ClampedThreadsAreNamedWithTheFix) {
  const auto result = run_shell("OMPI_MCA_hwloc_base_binding_policy=core " + mpiexec_partita(2, "info --threads 2"));
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_NE(result.err.find("asked for 2 threads but may run on only CPU(s)"), std::string::npos) << describe(result);
  EXPECT_NE(result.err.find("--map-by slot:PE=2"), std::string::npos);
}

TEST(Info, UnboundThreadsAreNamed) {
  if (std::thread::hardware_concurrency() < 2) GTEST_SKIP() << "needs 2 CPUs";
  const auto result = run_shell(unbound + mpiexec_partita(1, "info --threads 2"));
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_NE(result.err.find("may each run on any of CPUs"), std::string::npos) << describe(result);
  EXPECT_NE(result.err.find("OMP_PROC_BIND=close"), std::string::npos);
}

TEST(Info, OversubscriptionIsNamed) {
  const int threads = static_cast<int>(std::thread::hardware_concurrency());
  const auto result = run_shell(unbound + mpiexec_partita(threads + 1, "info --threads 1"));
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_NE(result.err.find("runs " + std::to_string(threads + 1) + " threads on " + std::to_string(threads) +
                            " CPUs"),
            std::string::npos)
      << describe(result);
}

TEST(Info, RunCanReportBindingsFirst) {
  TestDir dir;
  const auto job = dir.write("job.toml", "kernel = \"pi\"\nrepeat = 4\n[params]\nsamples = 1000\n");
  const auto result = run_shell(bound_threads + mpiexec_partita(2, "run " + quote(job.string()) + " --out " +
                                                                       quote((dir / "out").string()) +
                                                                       " --quiet --threads 1 --report-bindings"));
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_EQ(result.out.rfind("host", 0), 0u) << result.out;
  EXPECT_EQ(lines_of(result.out).size(), 3u) << result.out;
}

}  // namespace
}  // namespace partita::cli_test

// The example command jobs of examples/command, run as a user would run
// them: the job files the build put next to the built ./ising, at 2 ranks,
// with only --out added so that the results land in the test's directory.
// Beyond "it ran", the physics must come out right, or the example teaches
// nothing.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <numbers>
#include <string>

#include "cli_checks.hpp"
#include "cli_runner.hpp"
#include "test_dir.hpp"

namespace partita::cli_test {
namespace {

const fs::path examples = PARTITA_EXAMPLES_DIR;

std::string run_args(const std::string& job, const fs::path& out) {
  return "run " + quote((examples / job).string()) + " --out " + quote(out.string()) + " --quiet --no-warnings";
}

TEST(CommandExamples, IsingGivesTheKnownEnergiesOnAnyLayout) {
  TestDir dir;
  const auto result = run_shell(mpiexec_partita(2, run_args("ising.toml", dir / "np2") + " --threads 1"), std::chrono::seconds(100));
  expect_success(result);
  const CsvTable table = read_csv(dir / "np2" / "results.csv");
  ASSERT_EQ(table.header, (std::vector<std::string>{"task", "temperature", "repeat", "energy", "magnetisation",
                                                    "specific_heat", "converged", "label"}));
  ASSERT_EQ(table.rows.size(), 20u);  // 5 temperatures x repeat 4
  EXPECT_EQ(lines_of(read_file(dir / "np2" / "summary.csv")).size(), 6u);  // header + 5 points

  std::map<double, double> mean_energy;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const double t = table.number(r, "temperature"), e = table.number(r, "energy"), m = table.number(r, "magnetisation");
    SCOPED_TRACE("task " + table.at(r, "task") + ", T = " + table.at(r, "temperature"));
    EXPECT_GE(e, -2.0);  // the ground state: every bond satisfied
    EXPECT_LT(e, 0.0);
    EXPECT_GE(m, 0.0);
    EXPECT_LE(m, 1.0);
    EXPECT_GT(table.number(r, "specific_heat"), 0.0);
    EXPECT_TRUE(table.at(r, "converged") == "0" || table.at(r, "converged") == "1");
    mean_energy[t] += e / 4;
    if (t == 1.5) {  // Onsager: e = -1.95, |m| = 0.986 (L = 32: the same to 0.01)
      EXPECT_LT(e, -1.9);
      EXPECT_GT(m, 0.95);
      EXPECT_EQ(table.at(r, "label"), "ordered");
    }
    if (t == 3.0) {  // e = -0.82; |m| only finite-size noise
      EXPECT_GT(e, -1.0);
      EXPECT_LT(e, -0.6);
      EXPECT_LT(m, 0.3);
      EXPECT_EQ(table.at(r, "label"), "disordered");
    }
  }
  ASSERT_EQ(mean_energy.size(), 5u);
  for (auto it = mean_energy.begin(); std::next(it) != mean_energy.end(); ++it) {
    EXPECT_LT(it->second, std::next(it)->second) << "the energy must rise with the temperature, at T = " << it->first;
  }

  // Each task's seed comes from the job's seed and its id: one rank with
  // two threads computes the same bytes.
  const auto threads = run_shell(partita(run_args("ising.toml", dir / "t2") + " --threads 2"), std::chrono::seconds(100));
  expect_success(threads);
  EXPECT_EQ(read_file(dir / "t2" / "results.csv"), read_file(dir / "np2" / "results.csv"));
}

TEST(CommandExamples, OscillatorScriptMeasuresTheDampedPeriod) {
  TestDir dir;
  const auto result = run_shell(mpiexec_partita(2, run_args("oscillator.toml", dir / "out") + " --threads 1"));
  expect_success(result);
  const CsvTable table = read_csv(dir / "out" / "results.csv");
  ASSERT_EQ(table.header, (std::vector<std::string>{"task", "omega", "damping", "repeat", "period", "expected",
                                                    "crossings", "energy", "regime"}));
  ASSERT_EQ(table.rows.size(), 10u);  // 2 omegas x 5 dampings
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const double omega = table.number(r, "omega"), damping = table.number(r, "damping");
    SCOPED_TRACE("omega = " + table.at(r, "omega") + ", damping = " + table.at(r, "damping"));
    EXPECT_EQ(table.at(r, "regime"),
              damping < omega ? "underdamped" : damping == omega ? "critical" : "overdamped");
    EXPECT_GE(table.number(r, "energy"), 0.0);
    EXPECT_LE(table.number(r, "energy"), 1.0);
    if (damping < omega) {
      const double exact = 2 * std::numbers::pi / std::sqrt(omega * omega - damping * damping);
      EXPECT_NEAR(table.number(r, "expected"), exact, 1e-6 * exact);
      EXPECT_NEAR(table.number(r, "period"), exact, 1e-3 * exact);
      EXPECT_GE(table.number(r, "crossings"), 2.0);
    } else {
      EXPECT_EQ(table.at(r, "crossings"), "0");
      EXPECT_EQ(table.number(r, "period"), 0.0);
    }
  }
}

}  // namespace
}  // namespace partita::cli_test

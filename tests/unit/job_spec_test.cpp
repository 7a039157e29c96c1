#include "spec/job_spec.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "spec/spec_error.hpp"
#include "scratch_dir.hpp"
#include "spec/task_space.hpp"

namespace {

using namespace partita::launch;

// Writes a job file in a fresh directory and parses it.
class JobSpecTest : public partita::unit_test::ScratchDirTest {
 protected:
  std::string write(const std::string& text) {
    const auto path = dir_ / "job.toml";
    std::ofstream(path) << text;
    return path.string();
  }
  JobSpec parse(const std::string& text) { return parse_job_spec(write(text), builtin_kernels()); }

  // The message of the SpecError that parsing throws, or "" if it parses.
  std::string error_of(const std::string& text) {
    try {
      parse(text);
    } catch (const SpecError& e) {
      return e.what();
    }
    return "";
  }

};

TEST_F(JobSpecTest, DefaultsFillWhatTheFileLeavesOut) {
  const JobSpec job = parse("kernel = \"pi\"\n");
  EXPECT_EQ(job.name, "job");
  EXPECT_EQ(job.kernel->name, "pi");
  EXPECT_EQ(job.seed, 0u);
  EXPECT_EQ(job.repeat, 1u);
  EXPECT_EQ(job.fixed.integer("samples"), 1000000);
  EXPECT_EQ(job.output_dir, (dir_ / "job.out").string());  // beside the spec, wherever partita runs
  EXPECT_EQ(job.format, OutputFormat::csv);
  EXPECT_EQ(TaskSpace(job).tasks(), 1u);
}

TEST_F(JobSpecTest, GridFollowsFileOrderFirstAxisSlowest) {
  const JobSpec job = parse(R"(kernel = "integrate"
repeat = 2
[sweep]
mode = "grid"
integrand = ["polynomial", "gaussian"]
dim = [1, 2, 3]
)");
  const TaskSpace space(job);
  ASSERT_EQ(space.points(), 6u);
  EXPECT_EQ(space.tasks(), 12u);
  EXPECT_EQ(space.sweep_names(), (std::vector<std::string>{"integrand", "dim"}));
  EXPECT_EQ(space.describe_point(0), "integrand=polynomial, dim=1");
  EXPECT_EQ(space.describe_point(2), "integrand=polynomial, dim=3");
  EXPECT_EQ(space.describe_point(3), "integrand=gaussian, dim=1");
  EXPECT_EQ(space.point_of(7), 3u);
  EXPECT_EQ(space.repeat_of(7), 1u);
  EXPECT_EQ(space.params(5).integer("dim"), 3);
  EXPECT_EQ(space.params(5).integer("samples"), 100000);  // the default rides along
}

TEST_F(JobSpecTest, ZipPairsListsElementByElement) {
  const JobSpec job = parse(R"(kernel = "integrate"
[sweep]
mode = "zip"
dim = [1, 2, 3]
lower = [-1, -2, -3.5]
)");
  const TaskSpace space(job);
  ASSERT_EQ(space.points(), 3u);
  EXPECT_EQ(space.params(2).integer("dim"), 3);
  EXPECT_EQ(space.params(2).real("lower"), -3.5);
  EXPECT_EQ(space.params(1).real("lower"), -2.0);  // integers are accepted for reals
}

TEST_F(JobSpecTest, SameSpecSameIdentityAndAnyChangeChangesIt) {
  const std::string base = "kernel = \"pi\"\nseed = 1\n[sweep]\nsamples = [10, 20]\n";
  const JobSpec a = parse(base);
  const JobSpec b = parse(base);
  EXPECT_EQ(TaskSpace(a).identity(a), TaskSpace(b).identity(b));
  const JobSpec c = parse("kernel = \"pi\"\nseed = 2\n[sweep]\nsamples = [10, 20]\n");
  EXPECT_NE(TaskSpace(a).identity(a), TaskSpace(c).identity(c));
  const JobSpec d = parse("kernel = \"pi\"\nseed = 1\n[sweep]\nsamples = [10, 21]\n");
  EXPECT_NE(TaskSpace(a).identity(a), TaskSpace(d).identity(d));
}

TEST_F(JobSpecTest, ErrorsNameFileLineKeyAndRule) {
  const std::string file = (dir_ / "job.toml").string();
  EXPECT_EQ(error_of("kernel = \"pi\"\n[params]\nsamples = 0\n"),
            file + ":3: params.samples = 0: must be an integer in [1, 4294967296]");
  EXPECT_EQ(error_of("kernal = \"pi\"\n"),
            file + ":1: unknown key 'kernal': did you mean 'kernel'? allowed: name, kernel, seed, repeat, params, "
                   "sweep, output, schedule, threads_per_task, retries, max_failures, isolation, timeout, "
                   "quarantine_after");
  EXPECT_EQ(error_of("kernel = \"py\"\n"), file + ":1: kernel = \"py\": unknown kernel; did you mean 'pi'? allowed: "
                                                  "pi, integrate, synthetic, mandelbrot, heat, dot, histogram, solve, nbody");
  EXPECT_NE(error_of("kernel = \"pi\"\n[sweep]\nsamples = []\n").find(":3: sweep.samples = []: the sweep is empty"),
            std::string::npos);
  EXPECT_NE(error_of("kernel = \"pi\"\nseed = \n").find(file + ":2: malformed TOML"), std::string::npos);
  EXPECT_NE(error_of("kernel = \"integrate\"\n[params]\nlower = 1\nupper = 1\n").find("lower must be < upper"),
            std::string::npos);
  EXPECT_EQ(error_of("seed = 1\n").rfind(file + ": missing key 'kernel'", 0), 0u);
}

TEST_F(JobSpecTest, MissingFileIsASpecError) {
  EXPECT_THROW(parse_job_spec((dir_ / "absent.toml").string(), builtin_kernels()), SpecError);
}

}  // namespace

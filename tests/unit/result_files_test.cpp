#include "output/result_files.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "output/atomic_file.hpp"
#include "scratch_dir.hpp"
#include "spec/task_space.hpp"

namespace {

using namespace partita::launch;

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class ResultFilesTest : public partita::unit_test::ScratchDirTest {
 protected:
  void SetUp() override {
    ScratchDirTest::SetUp();
    std::ofstream(dir_ / "job.toml") << "kernel = \"pi\"\nrepeat = 2\n[sweep]\nsamples = [10, 20]\n";
    job_ = parse_job_spec((dir_ / "job.toml").string(), builtin_kernels());
  }

  JobSpec job_;
};

TEST_F(ResultFilesTest, ResultsHaveOneRowPerTaskInIdOrder) {
  const TaskSpace space(job_);
  const std::vector<double> values = {3.0, 0.5, 3.5, 0.25, 0.1, 1e-300, 2.0, 1.0 / 3.0};
  write_results(dir_, job_, space, values);
  EXPECT_EQ(slurp(dir_ / "results.csv"),
            "task,samples,repeat,estimate,std_error\n"
            "0,10,0,3,0.5\n"
            "1,10,1,3.5,0.25\n"
            "2,20,0,0.1,1e-300\n"
            "3,20,1,2,0.3333333333333333\n");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "results.csv.tmp"));
}

TEST_F(ResultFilesTest, SummaryHasMeanStdAndStandardError) {
  const TaskSpace space(job_);
  const std::vector<double> values = {1.0, 0.0, 3.0, 0.0, 5.0, 0.0, 5.0, 0.0};
  write_summary(dir_, job_, space, values);
  // Point 0: 1 and 3: mean 2, sd sqrt(2), se 1.
  const Moments m = point_moments(space, values, 2, 0, 0);
  EXPECT_EQ(m.mean, 2.0);
  EXPECT_DOUBLE_EQ(m.std_dev, std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(m.std_error, 1.0);
  const std::string text = slurp(dir_ / "summary.csv");
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "point,samples,n,estimate_mean,estimate_std,estimate_stderr,std_error_mean,std_error_std,std_error_stderr");
  EXPECT_NE(text.find("\n1,20,2,5,0,0,0,0,0\n"), std::string::npos);
}

TEST_F(ResultFilesTest, JsonlWritesNonFiniteAsNull) {
  job_.format = OutputFormat::jsonl;
  const TaskSpace space(job_);
  const std::vector<double> values = {3.0, NAN, 1, 2, 3, 4, 5, 6};
  write_results(dir_, job_, space, values);
  const std::string text = slurp(dir_ / "results.jsonl");
  EXPECT_EQ(text.substr(0, text.find('\n')), R"({"task":0,"samples":10,"repeat":0,"estimate":3,"std_error":null})");
}

TEST_F(ResultFilesTest, UncommittedAtomicFileLeavesNothingBehind) {
  {
    AtomicFile file(dir_ / "partial.csv");
    file.write("half a row");
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ / "partial.csv"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "partial.csv.tmp"));
}

TEST_F(ResultFilesTest, FingerprintIsStableFnv1a) {
  EXPECT_EQ(fingerprint(""), "cbf29ce484222325");
  EXPECT_EQ(fingerprint("a"), "af63dc4c8601ec8c");
}

}  // namespace

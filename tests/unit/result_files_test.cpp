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

  // Every task done, with these values (tasks x outputs).
  static TaskTable table(const std::vector<double>& values) {
    TaskTable t;
    t.values = values;
    t.done.assign(values.size() / 2, 1);
    return t;
  }

  JobSpec job_;
};

TEST_F(ResultFilesTest, ResultsHaveOneRowPerTaskInIdOrder) {
  const TaskSpace space(job_);
  write_results(dir_, job_, space, table({3.0, 0.5, 3.5, 0.25, 0.1, 1e-300, 2.0, 1.0 / 3.0}));
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
  const TaskTable values = table({1.0, 0.0, 3.0, 0.0, 5.0, 0.0, 5.0, 0.0});
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

TEST_F(ResultFilesTest, ATaskWithoutAResultHasEmptyFieldsAndNullsAndIsLeftOutOfTheSummary) {
  const TaskSpace space(job_);
  TaskTable values = table({3.0, 0.5, 1, 2, 3, 4, 5, 6});
  values.done[0] = 0;
  write_results(dir_, job_, space, values);
  write_summary(dir_, job_, space, values);
  std::string text = slurp(dir_ / "results.csv");
  EXPECT_NE(text.find("\n0,10,0,,\n1,10,1,1,2\n"), std::string::npos) << text;
  text = slurp(dir_ / "summary.csv");
  EXPECT_NE(text.find("\n0,10,1,1,,,2,,\n"), std::string::npos) << text;
  job_.format = OutputFormat::jsonl;
  write_results(dir_, job_, space, values);
  text = slurp(dir_ / "results.jsonl");
  EXPECT_EQ(text.substr(0, text.find('\n')), R"({"task":0,"samples":10,"repeat":0,"estimate":null,"std_error":null})");
}

// Integers print without a decimal point at any size up to 2^53, texts are
// quoted as CSV and JSON need, and only numeric outputs get statistics.
TEST_F(ResultFilesTest, TypedOutputsPrintAsTheirTypeAndTextsHaveNoStatistics) {
  KernelInfo kernel = *job_.kernel;
  kernel.outputs = {{"count", "", OutputType::integer}, {"label", "", OutputType::text}, {"x", "", OutputType::number}};
  job_.kernel = &kernel;
  const TaskSpace space(job_);
  TaskTable values(space.tasks(), kernel.outputs);
  const std::vector<std::string> labels = {"plain", "a, \"quoted\"\nline", "", "caf\xc3\xa9"};
  for (std::uint64_t task = 0; task < space.tasks(); ++task) {
    values.done[task] = 1;
    values.values[task * 3] = task == 1 ? 9007199254740992.0 : static_cast<double>(task) * 1e15;
    values.values[task * 3 + 2] = 0.5 * static_cast<double>(task);
    values.texts[task] = pack_texts(std::vector<std::string>{labels[task]});
  }
  write_results(dir_, job_, space, values);
  EXPECT_EQ(slurp(dir_ / "results.csv"),
            "task,samples,repeat,count,label,x\n"
            "0,10,0,0,plain,0\n"
            "1,10,1,9007199254740992,\"a, \"\"quoted\"\"\nline\",0.5\n"
            "2,20,0,2000000000000000,,1\n"
            "3,20,1,3000000000000000,caf\xc3\xa9,1.5\n");
  write_summary(dir_, job_, space, values);
  const std::string summary = slurp(dir_ / "summary.csv");
  EXPECT_EQ(summary.substr(0, summary.find('\n')), "point,samples,n,count_mean,count_std,count_stderr,x_mean,x_std,x_stderr");
  job_.format = OutputFormat::jsonl;
  write_results(dir_, job_, space, values);
  const std::string jsonl = slurp(dir_ / "results.jsonl");
  EXPECT_NE(jsonl.find(R"("count":9007199254740992,"label":"a, \"quoted\"\nline","x":0.5})"), std::string::npos)
      << jsonl;
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

#include "spec/job_spec.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "spec/memory_estimate.hpp"
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
  std::string error_of(const std::string& text, const SpecChecks& checks = {}) {
    try {
      parse_job_spec(write(text), builtin_kernels(), checks);
    } catch (const SpecError& e) {
      return e.what();
    }
    return "";
  }
  std::string file() const { return (dir_ / "job.toml").string(); }

  // As if this process could use 1.8 GB (ulimit -v 1800000).
  static SpecChecks limited() { return SpecChecks{true, MemoryLimit{1'800'000'000, "ulimit -v"}}; }

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
                   "quarantine_after, command, outputs, outputs_from, task_dir, log_files");
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

// --- name --------------------------------------------------------------

TEST_F(JobSpecTest, NameWithControlCharactersIsRefusedShownEscaped) {
  const std::string rule = "a job's name is printed and names its files (NAME.out, NAME.slurm.sh), so it must be "
                           "printable text of at most 240 bytes without '/' or control characters";
  EXPECT_EQ(error_of("kernel = \"pi\"\nname = \"a\\u001b[31mred\"\n"),
            file() + ":2: name = \"a\\u001B[31mred\": holds the control character \\u001B: " + rule);
  EXPECT_EQ(error_of("kernel = \"pi\"\nname = \"bell\\u0007\"\n"),
            file() + ":2: name = \"bell\\u0007\": holds the control character \\u0007: " + rule);
  EXPECT_EQ(error_of("kernel = \"pi\"\nname = \"two\\nlines\"\n"),
            file() + ":2: name = \"two\\nlines\": holds the control character \\u000A: " + rule);
  EXPECT_EQ(error_of("kernel = \"pi\"\nname = \"nul\\u0000\"\n"),
            file() + ":2: name = \"nul\\u0000\": holds the control character \\u0000: " + rule);
  EXPECT_EQ(error_of("kernel = \"pi\"\nname = \"c1\\u009b\"\n"),
            file() + ":2: name = \"c1\\u009B\": holds the control character \\u009B: " + rule);
  EXPECT_EQ(error_of("kernel = \"pi\"\nname = \"../up\"\n"), file() + ":2: name = \"../up\": holds '/': " + rule);
  EXPECT_EQ(error_of("kernel = \"pi\"\nname = \"\\u202Eevil\"\n"),
            file() + ":2: name = \"\\u202Eevil\": holds \\u202E, a mark that breaks or reorders the line it is "
                     "printed on: " + rule);
  EXPECT_EQ(error_of("kernel = \"pi\"\nname = \"" + std::string(241, 'n') + "\"\n").find(":2: name = \"nnn"),
            file().size());
  EXPECT_NE(error_of("kernel = \"pi\"\nname = \"" + std::string(241, 'n') + "\"\n").find("is 241 bytes long"),
            std::string::npos);
  EXPECT_EQ(error_of("kernel = \"pi\"\nname = \"\"\n"), file() + ":2: name = \"\": must not be empty");
}

TEST_F(JobSpecTest, PrintableNamesAreKept) {
  for (const std::string& name : std::vector<std::string>{"pi sweep", "café-2024_v2", "a.b", std::string(240, 'n')}) {
    const JobSpec job = parse("kernel = \"pi\"\nname = \"" + name + "\"\n");
    EXPECT_EQ(job.name, name);
    EXPECT_EQ(job.output_dir, (dir_ / (name + ".out")).string());
  }
}

TEST_F(JobSpecTest, NameFromAFileNameWithAControlCharacterIsRefused) {
  const auto path = dir_ / "job\x1b.toml";
  std::ofstream(path) << "kernel = \"pi\"\n";
  try {
    parse_job_spec(path.string(), builtin_kernels());
    FAIL() << "accepted";
  } catch (const SpecError& e) {
    const std::string shown = (dir_ / "job\\u001B.toml").string();
    EXPECT_EQ(std::string(e.what()).rfind(shown + ": the job's name \"job\\u001B\", taken from the file's name, "
                                                  "holds the control character \\u001B",
                                          0),
              0u)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("set one with name = \"...\""), std::string::npos) << e.what();
  }
}

// --- integers written as reals --------------------------------------------

TEST_F(JobSpecTest, RealsThatAreExactIntegersAreAcceptedAsIntegers) {
  const JobSpec job = parse("kernel = \"pi\"\nseed = 4.0\nrepeat = 1e3\nthreads_per_task = 2.0\nmax_failures = 1e1\n"
                            "[params]\nsamples = 1e6\n");
  EXPECT_EQ(job.seed, 4u);
  EXPECT_EQ(job.repeat, 1000u);
  EXPECT_EQ(job.threads_per_task, 2);
  EXPECT_EQ(job.max_failures, 10.0);
  EXPECT_EQ(job.fixed.integer("samples"), 1000000);
  // The same tasks as the integers would be: the same identity.
  const JobSpec a = parse("kernel = \"pi\"\n[sweep]\nsamples = [1e3, 2.5e3]\n");
  const JobSpec b = parse("kernel = \"pi\"\n[sweep]\nsamples = [1000, 2500]\n");
  EXPECT_EQ(TaskSpace(a).identity(a), TaskSpace(b).identity(b));
  EXPECT_EQ(std::get<std::int64_t>(a.sweep[0].values[1]), 2500);
}

TEST_F(JobSpecTest, RealsThatAreNotIntegersAreRefusedSayingSo) {
  EXPECT_EQ(error_of("kernel = \"pi\"\n[params]\nsamples = 1.5\n"),
            file() + ":3: params.samples = 1.5: must be an integer in [1, 4294967296]: 1.5 is not one");
  EXPECT_EQ(error_of("kernel = \"pi\"\n[sweep]\nsamples = [10, 1e-3]\n"),
            file() + ":3: sweep.samples = 0.001: must be an integer in [1, 4294967296]: 0.001 is not one");
  EXPECT_EQ(error_of("kernel = \"pi\"\n[params]\nsamples = nan\n"),
            file() + ":3: params.samples = nan: must be an integer in [1, 4294967296]: nan is not one");
  // An integer, but far out of range (and of 64 bits).
  EXPECT_EQ(error_of("kernel = \"pi\"\n[params]\nsamples = 1e300\n"),
            file() + ":3: params.samples = 1e+300: must be an integer in [1, 4294967296]");
  EXPECT_EQ(error_of("kernel = \"pi\"\n[params]\nsamples = 5e9\n"),
            file() + ":3: params.samples = 5000000000: must be an integer in [1, 4294967296]");
  EXPECT_EQ(error_of("kernel = \"pi\"\nrepeat = 2.5\n"),
            file() + ":2: repeat = 2.5: must be an integer in [1, 1000000000]: 2.5 is not one");
  EXPECT_EQ(error_of("kernel = \"pi\"\nthreads_per_task = 1.5\n"),
            file() + ":2: threads_per_task = 1.5: must be an integer in [1, 4096] or \"auto\": 1.5 is not one");
  EXPECT_NE(error_of("kernel = \"pi\"\nmax_failures = 2.5\n").find(":2: max_failures = 2.5: must be a count >= 1"),
            std::string::npos);
  EXPECT_NE(error_of("kernel = \"pi\"\n[params]\nsamples = \"10\"\n").find("(got a string)"), std::string::npos);
}

// --- syntax errors ----------------------------------------------------------

TEST_F(JobSpecTest, SyntaxErrorNamesTheLineWhereTheConstructStarts) {
  // toml11 stops at line 5; the list that is not closed starts at line 4.
  EXPECT_EQ(error_of("kernel = \"pi\"\nname = \"x\"\n\nseed = [1, 2\nrepeat = 3\n"),
            file() + ":4: malformed TOML: missing array separator `,` after a value (array starts here; at line 5: "
                     "should be `,`)");
  EXPECT_EQ(error_of("kernel = \"pi\"\nseed = 1\n[params\nsamples = 10\n").rfind(file() + ":3: malformed TOML", 0),
            0u);
  const std::string unclosed = error_of("kernel = \"pi\"\nname = \"\"\"abc\n\nseed = 1\n");
  EXPECT_EQ(unclosed.rfind(file() + ":2: malformed TOML", 0), 0u) << unclosed;
  EXPECT_EQ(unclosed.find('\n'), std::string::npos) << unclosed;
}

// --- sizes ------------------------------------------------------------------

TEST_F(JobSpecTest, TooManyTasksNamesTheLineAndKeyThatMakeThem) {
  EXPECT_EQ(error_of("kernel = \"pi\"\nrepeat = 1000000000\n[sweep]\nsamples = [1, 2, 3, 4, 5]\n"),
            file() + ":2: repeat = 1000000000: the sweep expands to more than 2^32 tasks (5 points x repeat "
                     "1000000000); split the job");
  // 300 x 300 x 300 x 300 = 8.1e9: the last of the equal lists, which tipped the product over.
  std::string sweep = "[sweep]\n";
  for (const char* axis : {"width", "max_iter", "row", "x_max"}) {
    std::string list;
    for (int i = 1; i <= 300; ++i) list += (i == 1 ? "" : (i % 10 == 1 ? ",\n" : ", ")) + std::to_string(i);
    sweep += std::string(axis) + " = [" + list + "]\n";
  }
  const std::string error = error_of("kernel = \"mandelbrot\"\n[params]\nheight = 1048576\n" + sweep);
  const std::string expected = file() + ":" + std::to_string(5 + 3 * 30) +
                               ": sweep.x_max = [300 values]: the sweep expands to more than 2^32 tasks (8100000000 "
                               "points (sweep.width 300 x sweep.max_iter 300 x sweep.row 300 x sweep.x_max 300) x "
                               "repeat 1); split the job";
  EXPECT_EQ(error, expected)
      << error;
}

TEST_F(JobSpecTest, TooManyPointsNamesTheLongestList) {
  std::string samples, upper;
  for (int i = 0; i < 1100; ++i) {
    samples += (i == 0 ? "" : (i % 10 == 0 ? ",\n" : ", ")) + std::to_string(i + 2);
  }
  for (int i = 0; i < 1000; ++i) upper += (i == 0 ? "" : (i % 10 == 0 ? ",\n" : ", ")) + std::to_string(i + 1) + ".5";
  EXPECT_EQ(error_of("kernel = \"integrate\"\n[sweep]\nsamples = [" + samples + "]\nupper = [" + upper + "]\n"),
            file() + ":3: sweep.samples = [1100 values]: the sweep has 1100000 points (sweep.samples 1100 x "
                     "sweep.upper 1000): at most 2^20 (1048576) are allowed, each held in memory; sweep fewer values "
                     "(repeat runs a point many times) or split the job");
}

// --- memory -----------------------------------------------------------------

TEST_F(JobSpecTest, JobTooLargeForTheMemoryIsRefusedWithTheEstimate) {
  // pi: 2 outputs, so 176 bytes per task (a resume's peak): 3.5 GB.
  EXPECT_EQ(error_of("kernel = \"pi\"\nseed = 1\nrepeat = 20000000\n", limited()),
            file() + ":3: repeat = 20000000: 20000000 tasks need about 3.5 GB on rank 0, more than the 1.8 GB this "
                     "process may use (ulimit -v); split the job, or run it where rank 0 has more memory");
  // The count made by the sweep: the longest list is named.
  std::string samples;
  for (int i = 0; i < 1000; ++i) samples += (i == 0 ? "" : (i % 10 == 0 ? ",\n" : ", ")) + std::to_string(i + 1);
  EXPECT_EQ(error_of("kernel = \"pi\"\nrepeat = 200\n[sweep]\nsamples = [" + samples + "]\n[output]\nformat = \"csv\"\n",
                     SpecChecks{true, MemoryLimit{20'000'000, "cgroup memory limit"}}),
            file() + ":4: sweep.samples = [1000 values]: 200000 tasks (1000 points x repeat 200) need about 35 MB "
                     "on rank 0, more than the 20 MB this process may use (cgroup memory limit); split the job, or run "
                     "it where rank 0 has more memory");
  // A limit of which this process already uses a part: both are shown.
  EXPECT_NE(error_of("kernel = \"pi\"\nrepeat = 20000000\n",
                     SpecChecks{true, MemoryLimit{1'600'000'000, "ulimit -v", 1'843'200'000}})
                .find("more than the 1.6 GB this process may still use (ulimit -v: 1.8 GB); split the job"),
            std::string::npos);
  // What fits is accepted; and without the check, anything the rules allow.
  EXPECT_EQ(error_of("kernel = \"pi\"\nrepeat = 2000000\n", limited()), "");
  EXPECT_EQ(error_of("kernel = \"pi\"\nrepeat = 20000000\n", SpecChecks{false, MemoryLimit{1, "test"}}), "");
}

TEST_F(JobSpecTest, CheckJobMemoryIsTheSameCheckOnAParsedJob) {
  const JobSpec job = parse_job_spec(write("kernel = \"synthetic\"\nrepeat = 20000000\n"), builtin_kernels(),
                                     SpecChecks{false, std::nullopt});
  EXPECT_NO_THROW(check_job_memory(job, MemoryLimit{8'000'000'000, "MemAvailable"}));
  try {
    check_job_memory(job, MemoryLimit{1'800'000'000, "MemAvailable"});
    FAIL() << "accepted";
  } catch (const SpecError& e) {
    // synthetic: 3 outputs, so 192 bytes per task.
    EXPECT_EQ(std::string(e.what()), file() + ":2: repeat = 20000000: 20000000 tasks need about 3.8 GB on rank 0, "
                                              "more than the 1.8 GB this process may use (MemAvailable); split the "
                                              "job, or run it where rank 0 has more memory");
  }
}

TEST(MemoryEstimate, GrowsWithTasksPointsAndOutputs) {
  EXPECT_EQ(rank0_bytes(1'000'000, 1, 1, 0, 2, false), 176'000'000u + 240u);
  EXPECT_GT(rank0_bytes(1'000'000, 1, 1, 0, 3, false), rank0_bytes(1'000'000, 1, 1, 0, 2, false));
  EXPECT_GT(rank0_bytes(1'000'000, 1'000'000, 5, 2, 2, false), rank0_bytes(1'000'000, 1, 5, 2, 2, false));
  // Many outputs: the run's gather outgrows the resume's journal reading.
  EXPECT_EQ(rank0_bytes(1, 0, 0, 0, 10, true), 40u + 400u + 8u);
}

TEST(MemoryEstimate, TextUsesDecimalUnits) {
  EXPECT_EQ(memory_text(1'843'200'000), "1.8 GB");
  EXPECT_EQ(memory_text(10'000'000'000), "10.0 GB");
  EXPECT_EQ(memory_text(35'200'000), "35 MB");
  EXPECT_EQ(memory_text(12'000), "12 kB");
  EXPECT_EQ(memory_text(3'000'000'000'000), "3.0 TB");
}

TEST(MemoryEstimate, ThisProcessHasALimit) {
  // Linux always reports MemAvailable; every other bound can only lower it.
  const auto limit = process_memory_limit();
  ASSERT_TRUE(limit.has_value());
  EXPECT_GT(limit->bytes, 0u);
  EXPECT_FALSE(limit->source.empty());
}

TEST(SpecErrorText, ControlCharactersInTheFileNameAndMessageAreEscaped) {
  const SpecError e("dir/a\x1b[2Jb.toml", 3, "name = \"x\ny\": bad \xe2\x80\xae here");
  EXPECT_EQ(std::string(e.what()), "dir/a\\u001B[2Jb.toml:3: name = \"x\\ny\": bad \\u202E here");
  EXPECT_EQ(escape_controls(escape_controls("a\tb\x7f")), "a\\tb\\u007F");
  EXPECT_EQ(escape_controls("caf\xc3\xa9 \xe2\x80\x94"), "caf\xc3\xa9 \xe2\x80\x94");  // é and an em dash stay
}

}  // namespace

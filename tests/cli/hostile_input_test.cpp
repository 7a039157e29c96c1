// Hostile and broken input, end to end: sweeps too big to hold, TOML too
// deep or too large to parse, bytes that are not UTF-8, duplicate keys,
// NaN and infinities, negative counts, output paths that cannot be written.
// Each must end in one clear error line and exit 2, fast, without a crash
// or an attempt to allocate the impossible, and without touching results
// already there. Files a run creates follow the user's umask.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "cli_checks.hpp"
#include "cli_runner.hpp"
#include "test_dir.hpp"

namespace partita::cli_test {
namespace {

using Clock = std::chrono::steady_clock;

// A list of n values, `first`, `first + 1`, ..., ten to a line, so that no
// line is long enough to trip the parser's long-line guard.
std::string list_of(int n, int first = 0, const std::string& suffix = "") {
  std::string text = "[";
  for (int i = 0; i < n; ++i) {
    if (i > 0) text += ',';
    text += i % 10 == 0 ? "\n  " : " ";
    text += std::to_string(first + i);
    text += suffix;
  }
  return text + "]";
}

// The 1-based line of `text` on which `needle` first appears.
int line_of(const std::string& text, const std::string& needle) {
  const auto at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

class Hostile : public ::testing::Test {
 protected:
  CommandResult run_job(const std::string& toml, const std::string& extra_args = "") {
    job_ = dir_.write("job.toml", toml).string();
    return run_shell(partita("run " + quote(job_) + " --out " + quote(out().string()) + " --quiet --threads 1 " +
                             extra_args));
  }
  // Seconds the last run_job_timed call took, spawning included.
  CommandResult run_job_timed(const std::string& toml) {
    const auto start = Clock::now();
    auto result = run_job(toml);
    seconds_ = std::chrono::duration<double>(Clock::now() - start).count();
    return result;
  }
  std::string at_line(int line) const { return job_ + ":" + std::to_string(line); }
  fs::path out() const { return dir_ / "out"; }
  void expect_nothing_ran() const { EXPECT_FALSE(fs::exists(out())) << out() << " was created for bad input"; }

  TestDir dir_;
  std::string job_;
  double seconds_ = 0.0;
};

// --- sizes ---------------------------------------------------------------

// 300^5 = 2.4e12 > 2^40 points: refused by counting, before a single point
// is built (building them would need terabytes). The message names a list
// whose values multiply (the last of the longest), at its line.
TEST_F(Hostile, SweepOver2To40TasksIsRefusedFast) {
  const std::string toml = "kernel = \"mandelbrot\"\n[params]\nheight = 1048576\n[sweep]\nrow = " + list_of(300) +
                           "\nwidth = " + list_of(300, 1) + "\nmax_iter = " + list_of(300, 1) + "\nx_max = " +
                           list_of(300, 1, ".5") + "\ny_max = " + list_of(300, 1, ".5") + "\n";
  const auto result = run_job_timed(toml);
  expect_bad_input(result, at_line(line_of(toml, "y_max = ")),
                   {"sweep.y_max = [300 values]", "more than 2^32 tasks", "2430000000000 points",
                    "sweep.row 300 x sweep.width 300", "split the job"});
  EXPECT_LT(seconds_, 2.0) << "a refused sweep must not be expanded first";
  expect_nothing_ran();
}

TEST_F(Hostile, RepeatTimesPointsOver2To40IsRefusedFast) {
  const auto result = run_job_timed("kernel = \"pi\"\nrepeat = 1000000000\n[sweep]\nsamples = " +
                                    list_of(2000, 1) + "\n");
  expect_bad_input(result, at_line(2), {"repeat = 1000000000:", "more than 2^32 tasks", "repeat 1000000000"});
  EXPECT_LT(seconds_, 2.0);
  expect_nothing_ran();
}

// Under 2^32 tasks but 2.25 million points: each point's parameters are
// held in memory, so the count is refused up front, not by std::bad_alloc.
TEST_F(Hostile, SweepWithTooManyPointsIsRefusedFast) {
  const std::string toml = "kernel = \"integrate\"\n[sweep]\nsamples = " + list_of(1500, 2) + "\nupper = " +
                           list_of(1500, 1, ".5") + "\n";
  const auto result = run_job_timed(toml);
  expect_bad_input(result, at_line(line_of(toml, "upper = ")),
                   {"sweep.upper = [1500 values]", "2250000 points (sweep.samples 1500 x sweep.upper 1500)",
                    "at most 2^20"});
  EXPECT_LT(seconds_, 2.0);
  expect_nothing_ran();
}

// Under a memory limit (here ulimit -v, 1.8 GB of address space), a job
// whose tasks rank 0 cannot hold is refused when its file is read, with the
// estimate, instead of dying of std::bad_alloc (or hanging under mpirun)
// once the work is done. A job that fits runs under the same limit.
class HostileMemory : public Hostile {
 protected:
  void SetUp() override {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    GTEST_SKIP() << "a sanitizer's shadow memory does not fit under ulimit -v";
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
    GTEST_SKIP() << "a sanitizer's shadow memory does not fit under ulimit -v";
#endif
#endif
  }
  CommandResult run_limited(const std::string& toml) {
    job_ = dir_.write("job.toml", toml).string();
    const auto start = Clock::now();
    auto result = run_shell("ulimit -v 1800000 && " + partita("run " + quote(job_) + " --out " +
                                                               quote(out().string()) + " --quiet --threads 1"),
                            std::chrono::seconds(60));
    seconds_ = std::chrono::duration<double>(Clock::now() - start).count();
    return result;
  }
};

TEST_F(HostileMemory, TasksBeyondTheLimitAreRefusedFastWithTheEstimate) {
  // 2 x 10^7 synthetic tasks: about 192 bytes each on rank 0, 3.8 GB.
  const auto result = run_limited("kernel = \"synthetic\"\nrepeat = 20000000\n[params]\nmean_us = 0.0\n");
  expect_bad_input(result, at_line(2),
                   {"repeat = 20000000: 20000000 tasks need about 3.8 GB on rank 0",
                    "this process may still use (ulimit -v: 1.8 GB)", "split the job"});
  EXPECT_LT(seconds_, 5.0);
  expect_nothing_ran();
}

TEST_F(HostileMemory, TheMessageNamesTheLargestFactorOfTheTaskCount) {
  // 1000 points x repeat 10000: repeat is the larger factor.
  const std::string deep = "kernel = \"synthetic\"\nrepeat = 10000\n[sweep]\nmean_us = " + list_of(1000) + "\n";
  const auto by_repeat = run_limited(deep);
  expect_bad_input(by_repeat, at_line(2),
                   {"repeat = 10000: 10000000 tasks (1000 points x repeat 10000) need about", "(ulimit -v: 1.8 GB)"});
  // 1000 x 1000 points x repeat 100: a list is, the later of the two.
  const std::string wide = "kernel = \"synthetic\"\nrepeat = 100\n[sweep]\nmean_us = " + list_of(1000) +
                           "\nalpha = " + list_of(1000, 1) + "\n";
  const auto by_sweep = run_limited(wide);
  expect_bad_input(by_sweep, at_line(line_of(wide, "alpha = ")),
                   {"sweep.alpha = [1000 values]: 100000000 tasks (1000000 points (sweep.mean_us 1000 x sweep.alpha "
                    "1000) x repeat 100) need about",
                    "(ulimit -v: 1.8 GB)"});
  EXPECT_LT(seconds_, 5.0);
}

TEST_F(HostileMemory, AJobThatFitsRunsUnderTheSameLimit) {
  const auto result = run_limited("kernel = \"synthetic\"\nrepeat = 20000\n[params]\nmean_us = 1.0\n");
  expect_success(result);
  EXPECT_EQ(lines_of(read_file(out() / "results.csv")).size(), 20001u);
}

// --- TOML too deep or too large -----------------------------------------

TEST_F(Hostile, DeeplyNestedListsAreRefused) {
  // toml11 recurses per level: 100000 levels overflowed the stack (SIGSEGV).
  const auto result = run_job("kernel = \"pi\"\n[sweep]\nsamples = " + std::string(100000, '[') + "\n");
  expect_bad_input(result, at_line(3), {"nested more than 64 levels"});
  expect_nothing_ran();
}

TEST_F(Hostile, DeeplyNestedInlineTablesAreRefused) {
  std::string nested;
  for (int i = 0; i < 20000; ++i) nested += "{a=";
  const auto result = run_job("kernel = \"pi\"\nx = " + nested + "\n");
  expect_bad_input(result, at_line(2), {"nested more than 64 levels"});
}

TEST_F(Hostile, DeeplyDottedKeyIsRefused) {
  // 500000 dotted parts made toml11 run for minutes.
  std::string key;
  for (int i = 0; i < 500000; ++i) key += "a.";
  const auto result = run_job_timed("kernel = \"pi\"\n" + key + "b = 1\n");
  expect_bad_input(result, at_line(2), {"more than 64 dotted parts"});
  EXPECT_LT(seconds_, 2.0);
}

TEST_F(Hostile, EnormousFileIsRefusedUnread) {
  // 50 MB of comments: refused by its size, before it is read.
  std::string comments;
  const std::string line = "# " + std::string(97, 'x') + "\n";
  comments.reserve(500000 * line.size() + 16);
  comments = "kernel = \"pi\"\n";
  for (int i = 0; i < 500000; ++i) comments += line;
  const auto result = run_job_timed(comments);
  expect_bad_input(result, job_, {"50000014 bytes", "at most 4194304 bytes"});
  EXPECT_LT(seconds_, 2.0);
  expect_nothing_ran();
}

TEST_F(Hostile, HugeStringIsEchoedShort) {
  // 3 MB in one string, under the size limit: read, and the message that
  // echoes it cuts it to stay readable.
  const auto result = run_job("kernel = \"" + std::string(3'000'000, 'k') + "\"\n");
  expect_bad_input(result, at_line(1), {"unknown kernel", "bytes ...]", "allowed: "});
  EXPECT_LT(result.err.size(), 2000u);
}

TEST_F(Hostile, ManyValuesOnOneLineAreRefusedFast) {
  // toml11 rescans a value's whole line for each value: 200000 values on
  // one line took minutes. The same values a few to a line are fine.
  std::string line = "[";
  for (int i = 0; i < 200000; ++i) line += (i == 0 ? "" : ", ") + std::to_string(i);
  const auto result = run_job_timed("kernel = \"mandelbrot\"\n[params]\nwidth = 1\nheight = 1048576\n[sweep]\nrow = " +
                                    line + "]\n");
  expect_bad_input(result, at_line(6), {"too many values on long lines", "several lines"});
  EXPECT_LT(seconds_, 2.0);
  expect_nothing_ran();
}

// --- bytes that are not TOML text ----------------------------------------

TEST_F(Hostile, NonUtf8InAStringValueNamesItsLine) {
  const auto result = run_job("kernel = \"pi\"\nname = \"bad \xff\xfe\"\n");
  expect_bad_input(result, at_line(2), {"byte 0xff in column 13", "not UTF-8"});
  expect_nothing_ran();
}

TEST_F(Hostile, NonUtf8InALiteralStringNamesItsLine) {
  // toml11 itself threw std::length_error here ("basic_string::_M_create"),
  // a message without a line.
  const auto result = run_job("kernel = \"pi\"\nname = 'a\xff'\n");
  expect_bad_input(result, at_line(2), {"byte 0xff", "not UTF-8"});
  expect_nothing_ran();
}

TEST_F(Hostile, NonUtf8InAKeyNamesItsLine) {
  const auto result = run_job("kernel = \"pi\"\n[params]\n\"sam\xc3\x28ples\" = 10\n");
  expect_bad_input(result, at_line(3), {"byte 0xc3 in column 5", "not UTF-8"});
  expect_nothing_ran();
}

TEST_F(Hostile, NonUtf8InACommentNamesItsLine) {
  const auto result = run_job("kernel = \"pi\"\n\n# caf\xe9\n");
  expect_bad_input(result, at_line(3), {"byte 0xe9", "not UTF-8"});
}

TEST_F(Hostile, ControlCharacterNamesItsLine) {
  const char text[] = "kernel = \"pi\"\nname = \"a\0b\"\n";
  const auto result = run_job(std::string(text, sizeof text - 1));
  expect_bad_input(result, at_line(2), {"control character 0x00 in column 10"});
}

TEST_F(Hostile, EscapedControlCharactersStayOneLine) {
  // Valid TOML escapes: the echo must not break the one-line message or
  // send escape sequences to the terminal.
  const auto result = run_job("kernel = \"pi\\n\\u001b[31mred\"\n");
  expect_bad_input(result, at_line(1), {"unknown kernel", "\\n\\u001B[31mred"});
}

TEST_F(Hostile, CaretInTheSourceLineKeepsTheHint) {
  // toml11 quotes the broken line; a '^' in it was taken for the caret
  // under it (and with nothing after, threw std::out_of_range: exit 1).
  const auto result = run_job("kernel = \"pi\"\nname = \"^^^\n");
  expect_bad_input(result, at_line(2), {"malformed TOML"});
  EXPECT_EQ(result.err.find("(\")"), std::string::npos) << describe(result);
}

// --- integers past 64 bits -----------------------------------------------

TEST_F(Hostile, DecimalIntegerPast64BitsNamesItsLine) {
  // toml11 alone clamped it silently: the job ran with seed 2^63 - 1.
  const auto result = run_job("kernel = \"pi\"\nseed = 99999999999999999999\n");
  expect_bad_input(result, at_line(2), {"integer 99999999999999999999 does not fit in 64 bits"});
  expect_nothing_ran();
}

TEST_F(Hostile, BinaryIntegerPast64BitsNamesItsLine) {
  // toml11 alone overflowed a signed integer reading it (undefined behaviour).
  const auto result = run_job("kernel = \"pi\"\n[sweep]\nsamples = [10, 0b1" + std::string(64, '0') + "]\n");
  expect_bad_input(result, at_line(3), {"integer 0b1", "does not fit in 64 bits"});
  expect_nothing_ran();
}

TEST_F(Hostile, HexIntegerPast64BitsNamesItsLine) {
  const auto result = run_job("kernel = \"pi\"\nrepeat = 0xFFFFFFFFFFFFFFFFFF\n");
  expect_bad_input(result, at_line(2), {"integer 0xFFFFFFFFFFFFFFFFFF does not fit in 64 bits"});
  expect_nothing_ran();
}

// --- duplicate keys ------------------------------------------------------

TEST_F(Hostile, DuplicateTopLevelKeyNamesKeyAndLine) {
  const auto result = run_job("kernel = \"pi\"\nseed = 1\nseed = 2\n");
  expect_bad_input(result, at_line(3), {"\"seed\"", "already exists"});
  expect_nothing_ran();
}

TEST_F(Hostile, DuplicateParamKeyNamesKeyAndLine) {
  const auto result = run_job("kernel = \"pi\"\n[params]\nsamples = 10\nsamples = 20\n");
  expect_bad_input(result, at_line(4), {"\"samples\"", "already exists"});
  expect_nothing_ran();
}

TEST_F(Hostile, DuplicateTableNamesTableAndLine) {
  const auto result = run_job("kernel = \"pi\"\n[params]\nsamples = 1\n[params]\nsamples = 2\n");
  expect_bad_input(result, at_line(4), {"\"params\"", "already exists"});
  expect_nothing_ran();
}

// --- NaN and infinities --------------------------------------------------

struct NonFinite {
  const char* name;
  const char* toml;
  int line;
  const char* shown;
};

class HostileNonFinite : public Hostile, public ::testing::WithParamInterface<NonFinite> {};

TEST_P(HostileNonFinite, IsRefusedWithKeyAndLine) {
  const auto& c = GetParam();
  const auto result = run_job(c.toml);
  expect_bad_input(result, at_line(c.line), {c.shown, "must be"});
  expect_nothing_ran();
}

INSTANTIATE_TEST_SUITE_P(
    Values, HostileNonFinite,
    ::testing::Values(
        NonFinite{"LowerNan", "kernel = \"integrate\"\n[params]\nlower = nan\n", 3, "params.lower = nan"},
        NonFinite{"UpperInf", "kernel = \"integrate\"\n[params]\nupper = inf\n", 3, "params.upper = inf"},
        NonFinite{"LowerMinusInf", "kernel = \"integrate\"\n[params]\nlower = -inf\n", 3, "params.lower = -inf"},
        NonFinite{"SweptInf", "kernel = \"integrate\"\n[sweep]\nupper = [1.0, +inf]\n", 3, "sweep.upper = inf"},
        NonFinite{"SweptNan", "kernel = \"mandelbrot\"\n[sweep]\nx_min = [-2.0, nan]\n", 3, "sweep.x_min = nan"},
        NonFinite{"MeanInf", "kernel = \"synthetic\"\n[params]\nmean_us = inf\n", 3, "params.mean_us = inf"},
        NonFinite{"MaxFailuresNan", "kernel = \"pi\"\nmax_failures = nan\n", 2, "max_failures = nan"},
        NonFinite{"MaxFailuresInf", "kernel = \"pi\"\nmax_failures = inf\n", 2, "max_failures = inf"}),
    [](const auto& test) { return std::string(test.param.name); });

// --- negative counts -----------------------------------------------------

struct Negative {
  const char* name;
  const char* toml;
  int line;
  const char* shown;
};

class HostileNegative : public Hostile, public ::testing::WithParamInterface<Negative> {};

TEST_P(HostileNegative, IsRefusedWithKeyAndLine) {
  const auto& c = GetParam();
  const auto result = run_job(c.toml);
  expect_bad_input(result, at_line(c.line), {c.shown});
  expect_nothing_ran();
}

INSTANTIATE_TEST_SUITE_P(
    Counts, HostileNegative,
    ::testing::Values(
        Negative{"Repeat", "kernel = \"pi\"\nrepeat = -1\n", 2, "repeat = -1: must be an integer in [1, "},
        Negative{"Seed", "kernel = \"pi\"\nseed = -1\n", 2, "seed = -1: must be an integer in [0, "},
        Negative{"Samples", "kernel = \"pi\"\n[params]\nsamples = -5\n", 3, "params.samples = -5: must be"},
        Negative{"SweptSamples", "kernel = \"pi\"\n[sweep]\nsamples = [10, -5]\n", 3, "sweep.samples = -5"},
        Negative{"Retries", "kernel = \"pi\"\nretries = -1\n", 2, "retries = -1: must be an integer in [0, 100]"},
        Negative{"ThreadsPerTask", "kernel = \"pi\"\nthreads_per_task = -2\n", 2, "threads_per_task = -2"},
        Negative{"MaxFailures", "kernel = \"pi\"\nmax_failures = -3\n", 2, "max_failures = -3"},
        Negative{"Chunk", "kernel = \"pi\"\n[schedule]\nkind = \"dynamic\"\nchunk = -1\n", 4, "schedule.chunk = -1"},
        Negative{"HugeRepeat", "kernel = \"pi\"\nrepeat = 9223372036854775807\n", 2, "repeat = 9223372036854775807"}),
    [](const auto& test) { return std::string(test.param.name); });

// --- output paths that cannot be written ---------------------------------

TEST_F(Hostile, OutputPathThatIsAFile) {
  const auto file = dir_.write("results.txt", "precious\n");
  const auto job = dir_.write("job.toml", "kernel = \"pi\"\n[params]\nsamples = 10\n");
  const auto result = run_shell(partita("run " + quote(job.string()) + " --out " + quote(file.string()) +
                                        " --quiet --threads 1"));
  expect_bad_input(result, "output directory '" + file.string() + "'", {"not a directory"});
  EXPECT_EQ(read_file(file), "precious\n") << "the file in the way must be left alone";
}

TEST_F(Hostile, OutputDirFromSpecThatIsAFile) {
  dir_.write("taken", "precious\n");
  const auto job = dir_.write("job.toml", "kernel = \"pi\"\n[params]\nsamples = 10\n[output]\ndir = \"taken\"\n");
  const auto result = run_shell(partita("run " + quote(job.string()) + " --quiet --threads 1"));
  expect_bad_input(result, "output directory '" + (dir_ / "taken").string() + "'", {"not a directory"});
  EXPECT_EQ(read_file(dir_ / "taken"), "precious\n");
}

// Root ignores permission bits, so as root the runs that must meet a
// read-only directory drop to the unprivileged user nobody (setpriv, from
// util-linux); where that cannot work the test is skipped, saying why.
class HostileReadOnly : public Hostile {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) return;
    const std::string drop = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
    const auto probe = run_shell(drop + partita("--version") + " && " + drop + "test -r " +
                                 quote(dir_.write("probe", "").string()));
    if (probe.exit_code != 0) {
      GTEST_SKIP() << "running as root, which ignores read-only permission bits, and cannot drop to user nobody "
                      "with setpriv to see them (" << describe(probe) << ")";
    }
    unprivileged_ = drop;
  }
  void TearDown() override {
    // Let TestDir remove what the test made read-only.
    for (const auto& entry : fs::recursive_directory_iterator(dir_.path())) {
      if (entry.is_directory()) fs::permissions(entry.path(), fs::perms::owner_all, fs::perm_options::add);
    }
  }
  CommandResult run_unprivileged(const std::string& job, const fs::path& out_dir, const std::string& extra = "") {
    return run_shell(unprivileged_ + partita("run " + quote(job) + " --out " + quote(out_dir.string()) +
                                             " --quiet --threads 1 " + extra));
  }
  static void make_read_only(const fs::path& path) {
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                              fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
  }

  std::string unprivileged_;  // empty when not root
};

TEST_F(HostileReadOnly, OutputDirUnderAReadOnlyDirectory) {
  const auto job = dir_.write("job.toml", "kernel = \"pi\"\n[params]\nsamples = 10\n");
  const fs::path locked = dir_ / "locked";
  fs::create_directory(locked);
  make_read_only(locked);
  const fs::path target = locked / "results";
  const auto result = run_unprivileged(job.string(), target);
  expect_bad_input(result, "output directory '" + target.string() + "'", {"cannot create", "Permission denied"});
  EXPECT_FALSE(fs::exists(target));
}

// A finished run's directory made read-only: a second run must refuse it
// up front and leave the results and the journal exactly as they were.
TEST_F(HostileReadOnly, ReadOnlyOutputDirKeepsItsResults) {
  const auto job = dir_.write("job.toml", "kernel = \"pi\"\nrepeat = 4\n[params]\nsamples = 100\n");
  expect_success(run_shell(partita("run " + quote(job.string()) + " --out " + quote(out().string()) +
                                   " --quiet --threads 1")));
  std::vector<std::pair<fs::path, std::string>> before;
  for (const auto& entry : fs::recursive_directory_iterator(out())) {
    if (entry.is_regular_file()) before.emplace_back(entry.path(), read_file(entry.path()));
  }
  ASSERT_FALSE(before.empty());
  make_read_only(out() / "journal");
  make_read_only(out());

  for (const char* mode : {"", "--resume", "--restart"}) {
    SCOPED_TRACE(std::string("partita run ") + mode);
    const auto result = run_unprivileged(job.string(), out(), mode);
    expect_bad_input(result, "output directory '" + out().string() + "'", {"not writable"});
  }
  for (const auto& [path, bytes] : before) {
    EXPECT_EQ(read_file(path), bytes) << path << " changed";
  }
}

// --- the files a run creates follow the umask ----------------------------

class HostileUmask : public Hostile {
 protected:
  // Runs a job that writes every kind of file (results, summary, report,
  // journal, lock, failures, trace) under `umask`, and returns each file
  // and directory it created with its permission bits.
  std::vector<std::pair<fs::path, unsigned>> run_under(const std::string& umask) {
    const auto job = dir_.write("job.toml",
                                "kernel = \"synthetic\"\nrepeat = 20\n[params]\nmean_us = 1.0\nfail_fraction = 0.3\n"
                                "failure = \"nan\"\n");
    const auto trace = dir_ / "trace.json";
    const auto result = run_shell("umask " + umask + " && " +
                                  partita("run " + quote(job.string()) + " --out " + quote(out().string()) +
                                          " --quiet --threads 1 --trace " + quote(trace.string())));
    expect_no_crash_text(result);
    EXPECT_EQ(result.exit_code, 3) << "some tasks fail by design\n" << describe(result);
    std::vector<std::pair<fs::path, unsigned>> modes;
    const auto add = [&](const fs::path& path) {
      struct stat st {};
      EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
      modes.emplace_back(path, static_cast<unsigned>(st.st_mode & 07777));
    };
    add(out());
    add(trace);
    for (const auto& entry : fs::recursive_directory_iterator(out())) add(entry.path());
    EXPECT_TRUE(fs::exists(out() / "results.csv"));
    EXPECT_TRUE(fs::exists(out() / "report.json"));
    EXPECT_TRUE(fs::exists(out() / "journal"));
    return modes;
  }
};

TEST_F(HostileUmask, Umask022GivesNoWorldWritableFile) {
  const auto modes = run_under("022");
  EXPECT_GE(modes.size(), 6u);
  for (const auto& [path, mode] : modes) {
    EXPECT_EQ(mode & S_IWOTH, 0u) << path << " is world-writable: mode " << std::oct << mode;
    EXPECT_EQ(mode & S_IWGRP, 0u) << path << " is group-writable under umask 022: mode " << std::oct << mode;
  }
}

TEST_F(HostileUmask, Umask077GivesGroupAndOthersNothing) {
  const auto modes = run_under("077");
  EXPECT_GE(modes.size(), 6u);
  for (const auto& [path, mode] : modes) {
    EXPECT_EQ(mode & 077u, 0u) << path << " is open to group or others under umask 077: mode " << std::oct << mode;
  }
}

}  // namespace
}  // namespace partita::cli_test

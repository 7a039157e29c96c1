// Command jobs when things go wrong: a program killed by a signal (a crash,
// quarantined across resumes), a failed task retried after its cause is
// fixed, outputs missing or mistyped, outputs read from key=value lines or
// from a file in each task's own directory, hostile programs (binary
// garbage, no final newline, stdout closed early, a daemon holding the
// pipes, 50 MB of output) and job files that must be refused with their
// file, line and key. Real processes, real mpiexec; every check asserts the
// exact exit code and the exact failures.csv and results.csv values.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "cli_checks.hpp"
#include "cli_runner.hpp"
#include "test_dir.hpp"

namespace partita::cli_test {
namespace {

// RFC 4180 records: failures.csv quotes its message (it holds commas and
// quotes), which split_csv does not read.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, any = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
      continue;
    }
    any = true;
    if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      record.push_back(std::move(field));
      field.clear();
      records.push_back(std::move(record));
      record.clear();
      any = false;
    } else {
      field += c;
    }
  }
  if (any) {
    record.push_back(std::move(field));
    records.push_back(std::move(record));
  }
  return records;
}

// A CSV file keyed by its first column (the task id).
struct TaskTable {
  std::vector<std::string> header;
  std::map<std::string, std::vector<std::string>> rows;

  bool has(const std::string& task) const { return rows.count(task) != 0; }
  std::string at(const std::string& task, const std::string& column) const {
    const auto row = rows.find(task);
    if (row == rows.end()) {
      ADD_FAILURE() << "no row for task " << task;
      return "<no row>";
    }
    for (std::size_t c = 0; c < header.size(); ++c) {
      if (header[c] == column) return c < row->second.size() ? row->second[c] : "<short row>";
    }
    ADD_FAILURE() << "no column " << column;
    return "<no column>";
  }
};

TaskTable read_table(const fs::path& path) {
  TaskTable table;
  auto records = parse_csv(read_file(path));
  if (records.empty()) return table;
  table.header = records.front();
  for (std::size_t r = 1; r < records.size(); ++r) {
    EXPECT_EQ(records[r].size(), table.header.size()) << path << " record " << r;
    table.rows[records[r].front()] = records[r];
  }
  return table;
}

std::size_t lines_in(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return 0;
  return lines_of(read_file(path)).size();
}

class CommandFailure : public ::testing::Test {
 protected:
  // An executable /bin/sh script in the test's folder (the job's folder).
  fs::path script(const std::string& name, const std::string& body) const {
    const fs::path path = dir_.write(name, "#!/bin/sh\n" + body);
    ::chmod(path.c_str(), 0755);
    return path;
  }
  fs::path job(const std::string& text, const std::string& name = "job.toml") const { return dir_.write(name, text); }
  fs::path out(const std::string& name) const { return dir_ / name; }
  std::string args(const fs::path& job_file, const std::string& out_name, const std::string& extra = "") const {
    return "run " + quote(job_file.string()) + " --out " + quote(out(out_name).string()) + " --quiet --no-warnings " +
           extra;
  }
  TaskTable failures(const std::string& out_name) const { return read_table(out(out_name) / "failures.csv"); }
  TaskTable results(const std::string& out_name) const { return read_table(out(out_name) / "results.csv"); }

  TestDir dir_;
};

// ---------------------------------------------------------------------------
// (a) A death by signal is a crash; crashes add up across resumes until the
// task is quarantined, after which it is never started again.

TEST_F(CommandFailure, ASignalIsACrashAndCrashesAddUpAcrossResumesToQuarantine) {
  // attempts.N gets one line per attempt of task N: the proof of what ran.
  script("crash.sh",
         "echo \"attempt $PARTITA_ATTEMPT\" >> \"attempts.$PARTITA_TASK\"\n"
         "ulimit -c 0\n"
         "case $PARTITA_TASK in\n"
         "  1) kill -SEGV $$ ;;\n"
         "  3) echo 'about to die' >&2; kill -9 $$ ;;\n"
         "esac\n"
         "echo \"{\\\"x\\\": $PARTITA_TASK}\"\n");
  const fs::path spec =
      job("command = [\"./crash.sh\"]\nrepeat = 6\nretries = 0\nquarantine_after = 2\n[outputs]\nx = \"integer\"\n");

  const auto first = run_shell(mpiexec_partita(2, args(spec, "out", "--threads 1")));
  ASSERT_EQ(first.exit_code, 3) << describe(first);
  EXPECT_EQ(first.err.find("quarantined"), std::string::npos) << describe(first);
  auto failed = failures("out");
  EXPECT_EQ(failed.header,
            (std::vector<std::string>{"task", "repeat", "attempts", "crashes", "quarantined", "message"}));
  ASSERT_EQ(failed.rows.size(), 2u) << read_file(out("out") / "failures.csv");
  EXPECT_EQ(failed.at("1", "attempts"), "1");
  EXPECT_EQ(failed.at("1", "crashes"), "1");
  EXPECT_EQ(failed.at("1", "quarantined"), "no");
  EXPECT_NE(failed.at("1", "message").find("killed by signal 11 (Segmentation fault)"), std::string::npos)
      << failed.at("1", "message");
  EXPECT_EQ(failed.at("3", "crashes"), "1");
  EXPECT_NE(failed.at("3", "message").find("killed by signal 9 (Killed)"), std::string::npos)
      << failed.at("3", "message");
  EXPECT_NE(failed.at("3", "message").find("; stderr ends: about to die"), std::string::npos)
      << failed.at("3", "message");
  auto rows = results("out");
  for (const char* task : {"0", "2", "4", "5"}) EXPECT_EQ(rows.at(task, "x"), task);
  EXPECT_EQ(rows.at("1", "x"), "");
  EXPECT_EQ(rows.at("3", "x"), "");
  const std::string after_first = read_file(out("out") / "failures.csv");

  // A plain resume leaves failed tasks failed: nothing runs again.
  const auto resumed = run_shell(partita(args(spec, "out", "--resume --threads 2")));
  ASSERT_EQ(resumed.exit_code, 3) << describe(resumed);
  EXPECT_EQ(lines_in(dir_ / "attempts.1"), 1u);
  EXPECT_EQ(lines_in(dir_ / "attempts.3"), 1u);
  EXPECT_EQ(read_file(out("out") / "failures.csv"), after_first);

  // --retry-failed runs them once more: the second crash quarantines them.
  const auto retried = run_shell(mpiexec_partita(2, args(spec, "out", "--resume --retry-failed --threads 1")));
  ASSERT_EQ(retried.exit_code, 3) << describe(retried);
  EXPECT_NE(retried.err.find("2 quarantined"), std::string::npos) << describe(retried);
  EXPECT_EQ(lines_in(dir_ / "attempts.1"), 2u);
  EXPECT_EQ(lines_in(dir_ / "attempts.3"), 2u);
  failed = failures("out");
  ASSERT_EQ(failed.rows.size(), 2u);
  for (const char* task : {"1", "3"}) {
    EXPECT_EQ(failed.at(task, "crashes"), "2") << task;
    EXPECT_EQ(failed.at(task, "quarantined"), "yes") << task;
  }
  EXPECT_NE(failed.at("1", "message").find("killed by signal 11 (Segmentation fault)"), std::string::npos);
  const std::string after_quarantine = read_file(out("out") / "failures.csv");

  // Quarantined: --retry-failed no longer starts them.
  const auto again = run_shell(partita(args(spec, "out", "--resume --retry-failed --threads 2")));
  ASSERT_EQ(again.exit_code, 3) << describe(again);
  EXPECT_EQ(lines_in(dir_ / "attempts.1"), 2u) << "a quarantined task ran again";
  EXPECT_EQ(lines_in(dir_ / "attempts.3"), 2u) << "a quarantined task ran again";
  EXPECT_EQ(read_file(out("out") / "failures.csv"), after_quarantine);
  for (const char* task : {"0", "2", "4", "5"}) {
    EXPECT_EQ(lines_in(dir_ / ("attempts." + std::string(task))), 1u) << "a finished task ran again: " << task;
  }
  rows = results("out");
  for (const char* task : {"0", "2", "4", "5"}) EXPECT_EQ(rows.at(task, "x"), task);
}

// ---------------------------------------------------------------------------
// (b) --retry-failed after the cause of a failure is fixed; the program's
// own bytes may not change between runs (its digest is in the identity).

TEST_F(CommandFailure, RetryFailedReattemptsAFailedTaskOnceItsCauseIsFixed) {
  const std::string body =
      "echo run >> \"attempts.$PARTITA_TASK\"\n"
      "if [ \"$PARTITA_TASK\" = 2 ] && [ ! -e fixed ]; then echo 'input missing for task 2' >&2; exit 5; fi\n"
      "echo \"{\\\"x\\\": $((PARTITA_TASK * 10))}\"\n";
  script("flaky.sh", body);
  const fs::path spec = job("command = [\"./flaky.sh\"]\nrepeat = 4\n[outputs]\nx = \"integer\"\n");

  const auto first = run_shell(mpiexec_partita(2, args(spec, "out", "--threads 1")));
  ASSERT_EQ(first.exit_code, 3) << describe(first);
  auto failed = failures("out");
  ASSERT_EQ(failed.rows.size(), 1u);
  EXPECT_EQ(failed.at("2", "message"), "exited with status 5; stderr ends: input missing for task 2");
  EXPECT_EQ(failed.at("2", "attempts"), "1");
  EXPECT_EQ(failed.at("2", "crashes"), "0") << "a non-zero exit is no crash";
  EXPECT_EQ(failed.at("2", "quarantined"), "no");
  EXPECT_EQ(results("out").at("2", "x"), "");
  const std::string results_before = read_file(out("out") / "results.csv");

  // A changed program is refused on resume, and nothing is lost.
  script("flaky.sh", body + "# edited\n");
  const auto changed = run_shell(partita(args(spec, "out", "--resume --retry-failed")));
  EXPECT_EQ(changed.exit_code, 2) << describe(changed);
  EXPECT_NE(changed.err.find("the program changed since this journal was written: " + (dir_ / "flaky.sh").string()),
            std::string::npos)
      << describe(changed);
  EXPECT_NE(changed.err.find("--restart"), std::string::npos) << describe(changed);
  EXPECT_EQ(read_file(out("out") / "results.csv"), results_before);
  script("flaky.sh", body);  // the same bytes: the same digest again

  std::ofstream(dir_ / "fixed") << "";
  const auto plain = run_shell(partita(args(spec, "out", "--resume")));
  ASSERT_EQ(plain.exit_code, 3) << describe(plain);
  EXPECT_EQ(lines_in(dir_ / "attempts.2"), 1u) << "--resume alone does not retry failures";

  const auto retried = run_shell(mpiexec_partita(2, args(spec, "out", "--resume --retry-failed --threads 1")));
  ASSERT_EQ(retried.exit_code, 0) << describe(retried);
  EXPECT_FALSE(fs::exists(out("out") / "failures.csv"));
  EXPECT_EQ(results("out").at("2", "x"), "20");
  EXPECT_EQ(lines_in(dir_ / "attempts.2"), 2u);
  for (const char* task : {"0", "1", "3"}) {
    EXPECT_EQ(lines_in(dir_ / ("attempts." + std::string(task))), 1u) << "a finished task ran again: " << task;
  }
  const auto reference = run_shell(partita(args(spec, "reference")));
  ASSERT_EQ(reference.exit_code, 0) << describe(reference);
  EXPECT_EQ(read_file(out("out") / "results.csv"), read_file(out("reference") / "results.csv"));
}

// retries within one run: {attempt} and PARTITA_ATTEMPT count up; a task
// that never succeeds shows every attempt; max_failures stops the run (4).
TEST_F(CommandFailure, RetriesCountAttemptsAndMaxFailuresStopsTheRun) {
  script("retry.sh",
         "case $PARTITA_TASK in\n"
         "  1) [ \"$PARTITA_ATTEMPT\" -lt 3 ] && { echo \"flaky attempt $1\" >&2; exit 1; } ;;\n"
         "  2) echo \"always, attempt $1\" >&2; exit 4 ;;\n"
         "esac\n"
         "echo \"{\\\"attempt\\\": $1}\"\n");
  const fs::path spec =
      job("command = [\"./retry.sh\", \"{attempt}\"]\nrepeat = 3\nretries = 2\n[outputs]\nattempt = \"integer\"\n");
  const auto result = run_shell(partita(args(spec, "out", "--threads 2")));
  ASSERT_EQ(result.exit_code, 3) << describe(result);
  const auto rows = results("out");
  EXPECT_EQ(rows.at("0", "attempt"), "1");
  EXPECT_EQ(rows.at("1", "attempt"), "3");
  EXPECT_EQ(rows.at("2", "attempt"), "");
  const auto failed = failures("out");
  ASSERT_EQ(failed.rows.size(), 1u);
  EXPECT_EQ(failed.at("2", "attempts"), "3");
  EXPECT_EQ(failed.at("2", "crashes"), "0");
  EXPECT_EQ(failed.at("2", "message"), "exited with status 4; stderr ends: always, attempt 3");

  // Every task fails; the fourth failure is over max_failures = 3.
  script("fail.sh", "echo x >> attempts.all\necho \"no luck for $PARTITA_TASK\" >&2\nexit 9\n");
  const fs::path failing = job("command = [\"./fail.sh\"]\nrepeat = 40\nmax_failures = 3\n", "failing.toml");
  const auto stopped = run_shell(partita(args(failing, "stopped", "--threads 1")));
  EXPECT_EQ(stopped.exit_code, 4) << describe(stopped);
  EXPECT_NE(stopped.err.find("max_failures"), std::string::npos) << describe(stopped);
  EXPECT_EQ(lines_in(dir_ / "attempts.all"), 4u) << "the run went on after max_failures";
  const auto stopped_failures = failures("stopped");
  ASSERT_EQ(stopped_failures.rows.size(), 4u);
  EXPECT_EQ(stopped_failures.at("3", "message"), "exited with status 9; stderr ends: no luck for 3");
}

// ---------------------------------------------------------------------------
// (c) Outputs missing or mistyped, or a last JSON line that is no JSON:
// that task alone fails, the message naming the output and the text.

TEST_F(CommandFailure, AMissingOrMistypedOutputFailsThatTaskAloneNamingIt) {
  const std::string long_text(200, 'a');
  script("outputs.sh",
         "case $PARTITA_TASK in\n"
         "  0) echo '{\"n\": 7, \"x\": 0.1, \"s\": \"fine\"}' ;;\n"
         "  1) echo '{\"x\": 1.5, \"s\": \"a\"}' ;;\n"
         "  2) echo '{\"n\": \"seven\", \"x\": 1.5, \"s\": \"a\"}' ;;\n"
         "  3) echo '{\"n\": 1.5, \"x\": 1.5, \"s\": \"a\"}' ;;\n"
         "  4) echo '{\"n\": 9007199254740993, \"x\": 1.5, \"s\": \"a\"}' ;;\n"
         "  5) echo '{\"n\": 9007199254740992, \"x\": -2.5e-300, \"s\": \"2^53 is exact\"}' ;;\n"
         "  6) echo '{\"n\": 6, \"x\": 1.5 \"s\": \"a\"}' ;;\n"
         "  7) echo '{\"n\": 7, \"x\": \"abc\", \"s\": \"a\"}' ;;\n"
         "  8) echo '{\"n\": null, \"x\": 1.5, \"s\": \"a\"}' ;;\n"
         "  9) echo 'no JSON here'; echo '[1, 2]' ;;\n"
         "  10) echo '{\"n\": -99999999999999999999, \"x\": 1.5, \"s\": \"a\"}' ;;\n"
         "  11) echo '{\"n\": broken'; echo '{\"n\": 11, \"x\": 2, \"s\": \"the last object wins\"}'; echo done ;;\n"
         "  12) echo '{\"n\": \"" + long_text + "\", \"x\": 1.5, \"s\": \"a\"}' ;;\n"
         "  13) echo '{\"n\": 13, \"x\": 1.5, \"s\": [1, 2]}' ;;\n"
         "esac\n");
  const fs::path spec = job("command = [\"./outputs.sh\"]\nrepeat = 14\n[outputs]\nn = \"integer\"\nx = \"number\"\n"
                            "s = \"text\"\n");
  const auto result = run_shell(partita(args(spec, "out", "--threads 2")));
  ASSERT_EQ(result.exit_code, 3) << describe(result);
  const auto failed = failures("out");
  const std::map<std::string, std::string> expected = {
      {"1", "output 'n' (integer) is missing from what the task reported"},
      {"2", "output 'n' must be an integer: got 'seven'"},
      {"3", "output 'n' must be an integer: got '1.5'"},
      {"4", "output 'n' must be an integer: got '9007199254740993' (beyond 2^53, which results keep exactly; "
            "declare it \"text\")"},
      {"6", "the last line of stdout that looks like a JSON object is not one: expected ',' or '}' (at byte 19): "
            "'{\"n\": 6, \"x\": 1.5 \"s\": \"a\"}'"},
      {"7", "output 'x' must be a number: got 'abc'"},
      {"8", "output 'n' (integer) is missing from what the task reported"},
      {"9", "no line of stdout is a JSON object (outputs_from = \"stdout-json\"), e.g. {\"n\": 1.5}"},
      {"10", "output 'n' must be an integer: got '-99999999999999999999' (beyond 2^53, which results keep exactly; "
             "declare it \"text\")"},
      {"12", "output 'n' must be an integer: got '" + long_text.substr(0, 80) + "...' (200 bytes)"},
      {"13", "output 's' must be a text: got an array or object"},
  };
  EXPECT_EQ(failed.rows.size(), expected.size()) << read_file(out("out") / "failures.csv");
  for (const auto& [task, message] : expected) {
    EXPECT_EQ(failed.at(task, "message"), message) << "task " << task;
    EXPECT_EQ(failed.at(task, "crashes"), "0") << "task " << task;
  }
  const auto rows = results("out");
  EXPECT_EQ(rows.header, (std::vector<std::string>{"task", "repeat", "n", "x", "s"}));
  EXPECT_EQ(rows.at("0", "n"), "7");
  EXPECT_EQ(rows.at("0", "x"), "0.1");
  EXPECT_EQ(rows.at("0", "s"), "fine");
  EXPECT_EQ(rows.at("5", "n"), "9007199254740992") << "integers are kept exactly up to 2^53";
  EXPECT_EQ(rows.at("5", "x"), "-2.5e-300");
  EXPECT_EQ(rows.at("5", "s"), "2^53 is exact");
  EXPECT_EQ(rows.at("11", "n"), "11");
  EXPECT_EQ(rows.at("11", "s"), "the last object wins");
  for (const auto& [task, message] : expected) {
    EXPECT_EQ(rows.at(task, "n") + rows.at(task, "x") + rows.at(task, "s"), "") << "task " << task;
  }
}

// ---------------------------------------------------------------------------
// (d) Outputs from name=value lines on stdout, and from a file each task
// writes in its own directory (JSON or name=value).

TEST_F(CommandFailure, KeyValueOutputsTakeTheLastValueOfEachName) {
  script("kv.sh",
         "case $PARTITA_TASK in\n"
         "  0) printf 'chatter without an equals sign\\nn = 3\\nx=2.5\\ns=  two words  \\nn=4\\n' ;;\n"
         "  1) printf 'x=1\\ns=a\\n' ;;\n"
         "  2) printf 'n=abc\\nx=1\\ns=b\\n' ;;\n"
         "  3) printf 's=a=b\\nn=7\\n{\"x\": 9}\\nx=-0.5' ;;\n"
         "esac\n");
  const fs::path spec = job("command = [\"./kv.sh\"]\nrepeat = 4\noutputs_from = \"stdout-keyvalue\"\n"
                            "[outputs]\nn = \"integer\"\nx = \"number\"\ns = \"text\"\n");
  const auto result = run_shell(mpiexec_partita(2, args(spec, "out", "--threads 1")));
  ASSERT_EQ(result.exit_code, 3) << describe(result);
  const auto rows = results("out");
  EXPECT_EQ(rows.at("0", "n"), "4") << "the last n wins";
  EXPECT_EQ(rows.at("0", "x"), "2.5");
  EXPECT_EQ(rows.at("0", "s"), "two words");
  EXPECT_EQ(rows.at("3", "n"), "7");
  EXPECT_EQ(rows.at("3", "x"), "-0.5") << "a last line without its newline counts";
  EXPECT_EQ(rows.at("3", "s"), "a=b");
  const auto failed = failures("out");
  ASSERT_EQ(failed.rows.size(), 2u) << read_file(out("out") / "failures.csv");
  EXPECT_EQ(failed.at("1", "message"), "output 'n' (integer) is missing from what the task reported");
  EXPECT_EQ(failed.at("2", "message"), "output 'n' must be an integer: got 'abc'");
}

// name=value outputs after more than 1 MiB of chatter must still be found:
// the README says the last value of a name wins.
TEST_F(CommandFailure, KeyValueOutputsAfterMuchChatterAreFound) {
  script("chatty.sh", "seq 1 300000\necho n=$PARTITA_TASK\n");  // about 2 MB before the output
  const fs::path spec =
      job("command = [\"./chatty.sh\"]\nrepeat = 2\noutputs_from = \"stdout-keyvalue\"\n[outputs]\nn = \"integer\"\n");
  const auto result = run_shell(partita(args(spec, "out", "--threads 2")));
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_EQ(results("out").at("1", "n"), "1");
}

TEST_F(CommandFailure, FileOutputsAreReadFromEachTasksDirectory) {
  script("writer.sh",
         "echo '{\"n\": 999}'\n"  // stdout is not where outputs come from here
         "case $PARTITA_TASK in\n"
         "  0) echo '{\"n\": 10, \"s\": \"json\"}' > result.out ;;\n"
         "  1) printf 'n=11\\ns=key value\\n' > result.out ;;\n"
         "  2) echo 'no file from this one' >&2 ;;\n"
         "  3) printf '{\"n\": 13,' > result.out ;;\n"
         "  4) head -c 17000000 /dev/zero > result.out ;;\n"
         "  5) printf 's=only s\\n' > result.out ;;\n"
         "esac\n");
  const fs::path spec = job("command = [\"./writer.sh\"]\nrepeat = 6\ntask_dir = true\noutputs_from = "
                            "\"file:result.out\"\n[outputs]\nn = \"integer\"\ns = \"text\"\n");
  const auto result = run_shell(mpiexec_partita(2, args(spec, "out", "--threads 1")));
  ASSERT_EQ(result.exit_code, 3) << describe(result);
  const auto rows = results("out");
  EXPECT_EQ(rows.at("0", "n"), "10");
  EXPECT_EQ(rows.at("0", "s"), "json");
  EXPECT_EQ(rows.at("1", "n"), "11");
  EXPECT_EQ(rows.at("1", "s"), "key value");
  const std::string tasks = fs::absolute(out("out")).string() + "/tasks/";
  const auto failed = failures("out");
  ASSERT_EQ(failed.rows.size(), 4u) << read_file(out("out") / "failures.csv");
  EXPECT_EQ(failed.at("2", "message"), "its output file " + tasks +
                                           "2/result.out cannot be read: No such file or directory; stderr ends: no "
                                           "file from this one");
  EXPECT_EQ(failed.at("3", "message"),
            "its output file " + tasks + "3/result.out is not a JSON object: expected a string (at byte 10)");
  EXPECT_EQ(failed.at("4", "message"), "its output file " + tasks + "4/result.out is 17000000 bytes, over 16 MiB");
  EXPECT_EQ(failed.at("5", "message"), "output 'n' (integer) is missing from what the task reported");
  // Each task wrote its own file: they are kept.
  EXPECT_EQ(read_file(out("out") / "tasks" / "0" / "result.out"), "{\"n\": 10, \"s\": \"json\"}\n");
  EXPECT_EQ(read_file(out("out") / "tasks" / "1" / "result.out"), "n=11\ns=key value\n");
}

// Without task_dir the file is relative to the job's folder, and its name
// may hold placeholders.
TEST_F(CommandFailure, FileOutputNamesTakePlaceholders) {
  script("named.sh", "echo \"n=$((PARTITA_TASK + 100))\" > \"result-$PARTITA_TASK.kv\"\n");
  const fs::path spec = job("command = [\"./named.sh\"]\nrepeat = 3\noutputs_from = \"file:result-{task}.kv\"\n"
                            "[outputs]\nn = \"integer\"\n");
  const auto result = run_shell(partita(args(spec, "out", "--threads 2")));
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  const auto rows = results("out");
  for (int task = 0; task < 3; ++task) EXPECT_EQ(rows.at(std::to_string(task), "n"), std::to_string(task + 100));
}

// ---------------------------------------------------------------------------
// (e) task_dir = true: DIR/tasks/..., fanned out by three digits; {dir},
// PARTITA_DIR and the working directory are it; kept after the run.

TEST_F(CommandFailure, TaskDirectoriesFanOutAndAreTheTasksWorkingDirectory) {
  script("where.sh", "pwd > where.txt\necho \"$PARTITA_DIR\" >> where.txt\necho \"$1\" >> where.txt\n");
  const std::string tasks = fs::absolute(out("small")).string() + "/tasks/";
  const fs::path small = job("command = [\"./where.sh\", \"{dir}\"]\nrepeat = 3\ntask_dir = true\n", "small.toml");
  const auto result = run_shell(mpiexec_partita(2, args(small, "small", "--threads 1")));
  ASSERT_EQ(result.exit_code, 0) << describe(result);
  for (int task = 0; task < 3; ++task) {
    const std::string dir = tasks + std::to_string(task);
    EXPECT_EQ(read_file(fs::path(dir) / "where.txt"), dir + "\n" + dir + "\n" + dir + "\n");
  }
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(out("small") / "tasks")) ++entries;
  EXPECT_EQ(entries, 3u);

  // 1,001 tasks: ids up to 1000 have four digits, padded to six; the first
  // group names a folder, so no folder holds more than 1,000 entries.
  script("mark.sh", "echo \"$PARTITA_DIR\" > where.txt\n");
  const fs::path large = job("command = [\"./mark.sh\"]\nrepeat = 1001\ntask_dir = true\n", "large.toml");
  const auto many = run_shell(partita(args(large, "large", "--threads 2")));
  ASSERT_EQ(many.exit_code, 0) << describe(many);
  const fs::path root = out("large") / "tasks";
  std::vector<std::string> top;
  for (const auto& e : fs::directory_iterator(root)) top.push_back(e.path().filename().string());
  std::sort(top.begin(), top.end());
  EXPECT_EQ(top, (std::vector<std::string>{"000", "001"}));
  std::size_t in_000 = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(root / "000")) ++in_000;
  EXPECT_EQ(in_000, 1000u);
  std::vector<std::string> in_001;
  for (const auto& e : fs::directory_iterator(root / "001")) in_001.push_back(e.path().filename().string());
  EXPECT_EQ(in_001, (std::vector<std::string>{"1000"}));
  const std::string large_tasks = fs::absolute(root).string();
  EXPECT_EQ(read_file(root / "000" / "7" / "where.txt"), large_tasks + "/000/7\n");
  EXPECT_EQ(read_file(root / "000" / "999" / "where.txt"), large_tasks + "/000/999\n");
  EXPECT_EQ(read_file(root / "001" / "1000" / "where.txt"), large_tasks + "/001/1000\n");
}

// ---------------------------------------------------------------------------
// (f) Hostile programs: each succeeds or fails alone, with a clear message,
// and the run ends promptly.

TEST_F(CommandFailure, HostileProgramsFailOrSucceedAloneAndTheRunEndsPromptly) {
  const fs::path daemon_pid = dir_ / "daemon.pid";
  const fs::path escaped_pid = dir_ / "escaped.pid";
  script("hostile.sh",
         "case $PARTITA_TASK in\n"
         // Binary garbage, then a valid line.
         "  0) head -c 100000 /dev/urandom; echo; echo '{\"n\": 0}' ;;\n"
         // The last line never ends.
         "  1) printf '{\"n\": 1}' ;;\n"
         // Closes stdout after its output and keeps running.
         "  2) echo '{\"n\": 2}'; exec >&-; sleep 0.3 ;;\n"
         // Closes stdout before any output, keeps running, exits 0.
         "  3) exec >&-; sleep 0.3; exit 0 ;;\n"
         // A daemon in its process group holds the pipes open for 30 s.
         "  4) ( sleep 30 & echo $! > " + quote(daemon_pid.string()) + " ); echo '{\"n\": 4}' ;;\n"
         // 50 MB on stdout in one line (too long to be an output line), then the output.
         "  5) head -c 50000000 /dev/zero | tr '\\0' x; echo; echo '{\"n\": 5}' ;;\n"
         // Binary garbage on stderr, then a failure.
         "  6) head -c 100000 /dev/urandom >&2; exit 1 ;;\n"
         // A daemon of its own session (beyond the group's reach) holds the pipes.
         "  7) setsid sh -c 'echo $$ > " + escaped_pid.string() + "; exec sleep 30' & echo '{\"n\": 7}' ;;\n"
         // 20 MB on stderr, a success.
         "  8) head -c 20000000 /dev/zero >&2; echo '{\"n\": 8}' ;;\n"
         "  *) echo \"{\\\"n\\\": $PARTITA_TASK}\" ;;\n"
         "esac\n");
  const fs::path spec = job("command = [\"./hostile.sh\"]\nrepeat = 12\n[outputs]\nn = \"integer\"\n");
  const auto began = std::chrono::steady_clock::now();
  const auto result = run_shell(mpiexec_partita(2, args(spec, "out", "--threads 1")));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  // The escaped daemon is beyond the job's reach: the test ends it.
  run_shell("[ -s " + quote(escaped_pid.string()) + " ] && kill -9 $(cat " + quote(escaped_pid.string()) + ")");
  ASSERT_EQ(result.exit_code, 3) << describe(result);
  EXPECT_LT(seconds, 15.0) << "a daemon holding the pipes kept a task running";

  const auto rows = results("out");
  for (const char* task : {"0", "1", "2", "4", "5", "7", "8", "9", "10", "11"}) {
    EXPECT_EQ(rows.at(task, "n"), task) << "task " << task;
  }
  const auto failed = failures("out");
  ASSERT_EQ(failed.rows.size(), 2u) << read_file(out("out") / "failures.csv");
  EXPECT_EQ(failed.at("3", "message"),
            "no line of stdout is a JSON object (outputs_from = \"stdout-json\"), e.g. {\"n\": 1.5}");
  const std::string garbage = failed.at("6", "message");
  EXPECT_EQ(garbage.rfind("exited with status 1; stderr ends: ", 0), 0u) << garbage;
  EXPECT_EQ(garbage.find_first_of(std::string("\n\r\t\0", 4)), std::string::npos) << "controls are escaped";
  // The message quotes at most the last 400 bytes, each control byte as 6.
  EXPECT_LE(garbage.size(), 36u + 400u * 6u);

  // The daemon of task 4 was killed with its group: gone, or a zombie
  // waiting for init.
  const auto daemon = run_shell("s=$(ps -o stat= -p $(cat " + quote(daemon_pid.string()) +
                                ")); case \"$s\" in ''|Z*) echo gone;; *) echo alive $s;; esac");
  EXPECT_EQ(daemon.out, "gone\n") << describe(daemon);
}

// The last line that is a JSON object, over the 1 MiB a line may have, must
// not be passed over for an earlier one: that would be a silent wrong value.
TEST_F(CommandFailure, ALastJsonLineOverTheLineLimitIsNotPassedOverForAnEarlierOne) {
  script("long.sh",
         "echo '{\"n\": 1}'\n"
         "printf '{\"n\": %s}\\n' \"$(head -c 2000000 /dev/zero | tr '\\0' 2)\"\n");
  const fs::path spec = job("command = [\"./long.sh\"]\n[outputs]\nn = \"integer\"\n");
  const auto result = run_shell(partita(args(spec, "out", "--threads 1")));
  ASSERT_EQ(result.exit_code, 3) << describe(result);
  EXPECT_EQ(results("out").at("0", "n"), "");
  EXPECT_EQ(failures("out").rows.size(), 1u);
  EXPECT_NE(read_file(out("out") / "failures.csv").find("the last line of stdout that looks like a JSON object is over 1 MiB"),
            std::string::npos);
}

// ---------------------------------------------------------------------------
// (g) Job files that are refused before anything runs: exit 2, one line
// "FILE:LINE: key ...", nothing created. command_test.cpp checks five of
// these messages loosely; here every one names its line.

TEST_F(CommandFailure, BadCommandJobsAreRefusedWithFileLineAndKey) {
  script("ok.sh", "echo '{}'\n");
  dir_.write("plain.sh", "#!/bin/sh\necho '{}'\n");  // not executable
  fs::create_directories(dir_ / "sub");
  const std::string folder = dir_.path().string();
  int case_number = 0;
  const auto refused = [&](const std::string& text, int line, const std::vector<std::string>& needles) {
    const fs::path file = job(text, "bad" + std::to_string(++case_number) + ".toml");
    const auto result = run_shell(partita(args(file, "bad")));
    SCOPED_TRACE(text);
    expect_bad_input(result, file.string() + ":" + std::to_string(line), needles);
    EXPECT_FALSE(fs::exists(out("bad")));
  };
  refused("kernel = \"pi\"\ncommand = [\"./ok.sh\"]\n", 2,
          {"both 'kernel' and 'command' are set: a job runs a built-in kernel or its own program, not both"});
  refused("command = []\n", 1, {"command = []: the command is empty; name the program to run first"});
  refused("seed = 1\ncommand = \"  \"\n", 2, {"the command is empty"});
  refused("command = 5\n", 1, {"command = 5: must be a list of arguments", "or a string run by /bin/sh -c"});
  refused("command = [\"./ok.sh\", 3]\n", 1, {"command[1] = 3: must be a string"});
  refused("command = [\"./ok.sh\", \"a\\u0000b\"]\n", 1, {"command[1]: holds a NUL byte"});
  // The element's own line, in a list over several lines.
  refused("command = [\n  \"./ok.sh\",\n  \"--n\",\n  \"{nn}\",\n]\n[params]\nn = 3\n", 4,
          {"command[2] = \"{nn}\": unknown placeholder {nn}: the allowed ones are {n}, {task}, {point}, {repeat}, "
           "{attempt}, {seed}, {threads}, {dir} ('{{' is a literal brace)"});
  refused("command = \"./ok.sh {bogus}\"\n", 1,
          {"command = \"./ok.sh {bogus}\": unknown placeholder {bogus}: the allowed ones are {task}, {point}"});
  refused("command = [\"./ok.sh\", \"{task\"]\n", 1,
          {"command[1] = \"{task\": '{' at character 1 is not closed: write '{{' for a literal brace"});
  refused("command = [\"./ok.sh\", \"a}b\"]\n", 1,
          {"command[1] = \"a}b\": a lone '}' at character 2: write '}}' for a literal brace"});
  refused("command = [\"./{n}.sh\"]\n[params]\nn = 1\n", 1,
          {"command[0] = \"./{n}.sh\": the program cannot hold placeholders"});
  refused("command = [\"./nosuch\"]\n", 1, {"command[0] = \"./nosuch\": no such file: " + folder + "/nosuch"});
  refused("command = [\"nosuch-program-4711\"]\n", 1,
          {"command[0] = \"nosuch-program-4711\": 'nosuch-program-4711' is neither in the job's folder (" + folder +
           ") nor on PATH"});
  refused("command = [\"./plain.sh\"]\n", 1,
          {"command[0] = \"./plain.sh\": " + folder + "/plain.sh is not executable (chmod +x it, or run it through "
           "its interpreter, e.g. [\"python3\", \"./plain.sh\"])"});
  refused("command = [\"./sub\"]\n", 1, {"command[0] = \"./sub\": " + folder + "/sub is a directory, not a program"});
  refused("command = [\"./ok.sh\"]\n[outputs]\ny = \"number\"\nx = \"float\"\n", 4,
          {"outputs.x = \"float\":", "number", "integer", "text"});
  refused("command = [\"./ok.sh\"]\n[outputs]\nx = 3\n", 3, {"outputs.x = 3: must be a string"});
  refused("command = [\"./ok.sh\"]\n[outputs]\n\"2x\" = \"number\"\n", 3,
          {"outputs.2x: an output's name must be letters, digits and '_', not starting with a digit"});
  refused("command = [\"./ok.sh\"]\noutputs_from = \"stdout\"\n", 2,
          {"outputs_from = \"stdout\": must be \"stdout-json\"", "\"stdout-keyvalue\"", "\"file:NAME\""});
  refused("command = [\"./ok.sh\"]\noutputs_from = \"file:\"\n", 2, {"outputs_from = \"file:\": must be"});
  refused("command = [\"./ok.sh\"]\noutputs_from = 3\n", 2, {"outputs_from = 3: must be a string"});
  refused("command = [\"./ok.sh\"]\noutputs_from = \"file:{bogus}.json\"\n", 2,
          {"outputs_from = \"file:{bogus}.json\": unknown placeholder {bogus}"});
  refused("command = [\"./ok.sh\"]\ntask_dir = \"yes\"\n", 2, {"task_dir = \"yes\": must be true or false"});
  refused("command = [\"./ok.sh\", \"{dir}\"]\n", 1,
          {"the command uses {dir}, the task's own directory: set task_dir = true"});
  refused("command = [\"./ok.sh\"]\nisolation = \"thread\"\n", 2,
          {"isolation = \"thread\": a command always runs in its own process; remove the key"});
  refused("kernel = \"pi\"\noutputs_from = \"stdout-keyvalue\"\n", 2, {"outputs_from"});
}

// Under mpiexec every rank refuses, rank 0 alone speaks.
TEST_F(CommandFailure, ABadCommandUnderMpiexecIsReportedOnce) {
  dir_.write("plain.sh", "#!/bin/sh\necho '{}'\n");
  const fs::path file = job("command = [\"./plain.sh\"]\n");
  const auto result = run_shell(mpiexec_partita(3, args(file, "bad", "--threads 1")));
  EXPECT_EQ(result.exit_code, 2) << describe(result);
  const auto lines = lines_of(result.err);
  const auto errors = std::count_if(lines.begin(), lines.end(),
                                    [](const std::string& l) { return l.rfind("partita: error:", 0) == 0; });
  EXPECT_EQ(errors, 1) << describe(result);
  EXPECT_NE(result.err.find(file.string() + ":1: command[0] = \"./plain.sh\": "), std::string::npos)
      << describe(result);
  EXPECT_NE(result.err.find("is not executable"), std::string::npos) << describe(result);
  EXPECT_FALSE(fs::exists(out("bad")));
}

}  // namespace
}  // namespace partita::cli_test

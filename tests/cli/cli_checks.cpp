#include "cli_checks.hpp"

#include <gtest/gtest.h>

#include "test_dir.hpp"

namespace partita::cli_test {

std::string describe(const CommandResult& result) {
  return "exit code " + std::to_string(result.exit_code) + (result.timed_out ? " (timed out)" : "") +
         "\n--- stdout ---\n" + result.out + "\n--- stderr ---\n" + result.err + "\n---";
}

void expect_no_crash_text(const CommandResult& result) {
  // What libstdc++, glibc and the kernel print when a process dies badly.
  for (const char* sign : {"terminate called", "what():", "Aborted", "Segmentation fault", "core dumped",
                           "stack trace", "Stack trace", "Backtrace", "Signal:"}) {
    EXPECT_EQ(result.out.find(sign), std::string::npos) << "stdout shows '" << sign << "'\n" << describe(result);
    EXPECT_EQ(result.err.find(sign), std::string::npos) << "stderr shows '" << sign << "'\n" << describe(result);
  }
  EXPECT_FALSE(result.timed_out) << describe(result);
}

namespace {

void expect_error_lines(const CommandResult& result, const std::string& where,
                        const std::vector<std::string>& needles, bool usage_hint) {
  expect_no_crash_text(result);
  EXPECT_EQ(result.exit_code, 2) << describe(result);
  EXPECT_EQ(result.out, "") << "bad input must print nothing on stdout\n" << describe(result);

  // One line: scripts and log greps read the first line only. A usage
  // error ends by pointing at --help.
  const auto lines = lines_of(result.err);
  ASSERT_EQ(lines.size(), 1u) << "unexpected stderr line count\n" << describe(result);
  if (usage_hint) {
    const std::string hint = " (see 'partita --help')";
    EXPECT_TRUE(lines[0].size() > hint.size() && lines[0].ends_with(hint)) << describe(result);
  }
  EXPECT_EQ(result.err.back(), '\n') << describe(result);
  const std::string& line = lines.front();
  const std::string prefix = "partita: error: " + (where.empty() ? "" : where + ":");
  EXPECT_EQ(line.rfind(prefix, 0), 0u) << "expected the line to start with '" << prefix << "'\n" << describe(result);
  for (const auto& needle : needles) {
    EXPECT_NE(line.find(needle), std::string::npos) << "expected '" << needle << "' in the message\n"
                                                    << describe(result);
  }
}

}  // namespace

void expect_bad_input(const CommandResult& result, const std::string& where,
                      const std::vector<std::string>& needles) {
  expect_error_lines(result, where, needles, false);
}

void expect_usage_error(const CommandResult& result, const std::string& where,
                        const std::vector<std::string>& needles) {
  expect_error_lines(result, where, needles, true);
}

void expect_success(const CommandResult& result) {
  expect_no_crash_text(result);
  EXPECT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_EQ(result.err, "") << describe(result);
}

}  // namespace partita::cli_test

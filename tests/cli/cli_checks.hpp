// Assertions shared by the CLI tests: what a failed run must look like to a
// user (one error line naming file, line and key) and what it must never
// look like (a crash, an uncaught exception, a stack trace).
#pragma once

#include <string>
#include <vector>

#include "cli_runner.hpp"

namespace partita::cli_test {

/// No sign of a crash or an escaped exception anywhere in the output.
void expect_no_crash_text(const CommandResult& result);

/// Exit code 2, nothing on stdout, and stderr exactly one line:
/// "partita: error: <where>: ..." containing every one of `needles`.
/// `where` is "FILE:LINE", "FILE" alone, a CLI option such as "--threads",
/// or empty where the message has no subject.
void expect_bad_input(const CommandResult& result, const std::string& where,
                      const std::vector<std::string>& needles);

/// A command-line (CLI11) error: as expect_bad_input, but main.cpp follows
/// the error line with exactly "Run 'partita --help' for usage.".
void expect_usage_error(const CommandResult& result, const std::string& where,
                        const std::vector<std::string>& needles);

/// Exit code 0, nothing on stderr and no crash text; on failure the
/// message shows the command's whole output.
void expect_success(const CommandResult& result);

/// Text showing a command's exit code and both streams, for failure messages.
std::string describe(const CommandResult& result);

}  // namespace partita::cli_test

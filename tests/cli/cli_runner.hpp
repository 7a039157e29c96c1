// Runs the partita binary (directly or under mpiexec) through /bin/sh and
// captures what a user would see: exit code, stdout and stderr, separately.
#pragma once

#include <chrono>
#include <string>

namespace partita::cli_test {

struct CommandResult {
  int exit_code = -1;      ///< the shell's exit status; 128 + signal if it was killed
  std::string out;         ///< everything written to stdout
  std::string err;         ///< everything written to stderr
  bool timed_out = false;  ///< killed by run_shell's own deadline
};

/// Runs `command` with /bin/sh -c, stdin from /dev/null. A command still
/// running at `timeout` is killed with its whole process group, so a hung
/// mpiexec fails one test instead of stalling ctest until its own timeout.
CommandResult run_shell(const std::string& command, std::chrono::seconds timeout = std::chrono::seconds(60));

/// `text` as one single-quoted shell word.
std::string quote(const std::string& text);

/// The command line that runs the partita binary under test with `args`
/// (already shell words; quote paths with quote()).
std::string partita(const std::string& args);

/// The same under mpiexec with `ranks` processes (the MPI flags CMake found).
std::string mpiexec_partita(int ranks, const std::string& args);

/// The project version the binary must report, from CMake.
std::string expected_version();

}  // namespace partita::cli_test

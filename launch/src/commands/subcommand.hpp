// A subcommand of `partita`: one file per subcommand registers its options,
// their checks and its handler on the app (CLI11's own pattern), and main
// only parses the command line and calls the handler that was chosen.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace partita::launch {

struct Subcommand {
  CLI::App* app = nullptr;
  /// Runs the subcommand once the command line parsed; returns the exit code.
  std::function<int(int* argc, char*** argv)> run;
};

Subcommand add_run_command(CLI::App& partita);
Subcommand add_status_command(CLI::App& partita);
Subcommand add_kernels_command(CLI::App& partita);
Subcommand add_batch_command(CLI::App& partita);
Subcommand add_info_command(CLI::App& partita);
Subcommand add_log_command(CLI::App& partita);

/// Under mpirun every rank parses the command line; a usage error is
/// printed once, by the process that will be rank 0.
bool is_first_rank();

/// Prints "partita: error: MESSAGE (see 'partita --help')" once (first rank)
/// and returns exit_bad_input. The other ranks wait a moment first: mpirun
/// tears the job down at the first non-zero exit, and the message must win.
int usage_error(const std::string& message);

}  // namespace partita::launch

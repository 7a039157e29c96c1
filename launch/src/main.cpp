// The partita command: parses the command line and hands it to the chosen
// subcommand (commands/, one file each), which returns a documented exit
// code (commands/exit_codes.hpp). Library code below only throws.
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "commands/subcommand.hpp"
#include "partita/version.hpp"

namespace {

// Bad input is reported in one line, whatever CLI11 wrote.
std::string one_line(std::string text) {
  for (char& c : text) c = c == '\n' ? ' ' : c;
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"partita: repeated computations over MPI ranks x OpenMP threads", "partita"};
  app.set_version_flag("--version", std::string("partita ") + partita::version_string);
  app.require_subcommand(1);
  const std::vector<partita::launch::Subcommand> subcommands{
      partita::launch::add_run_command(app), partita::launch::add_status_command(app),
      partita::launch::add_kernels_command(app), partita::launch::add_batch_command(app),
      partita::launch::add_info_command(app), partita::launch::add_log_command(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    return partita::launch::usage_error(one_line(e.what()));
  }
  for (const auto& subcommand : subcommands) {
    if (subcommand.app->parsed()) return subcommand.run(&argc, &argv);
  }
  return partita::launch::usage_error("no subcommand");
}

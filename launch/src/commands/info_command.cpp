#include "commands/info_command.hpp"

#include <memory>
#include <fmt/format.h>
#include <unistd.h>

#include "placement/binding_report.hpp"
#include "commands/exit_codes.hpp"
#include "partita/runtime.hpp"
#include "commands/subcommand.hpp"

namespace partita::launch {

void report_bindings(const Context& ctx, bool json) {
  const auto bindings = gather_bindings(ctx);
  if (ctx.rank() != 0) return;
  // Nodes are taken to be alike: rank 0's CPU count stands for every host.
  const auto warnings = binding_warnings(bindings, static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN)));
  if (json) {
    fmt::print("{}", bindings_json(bindings, warnings));
  } else {
    fmt::print("{}", bindings_table(bindings));
    for (const auto& w : warnings) fmt::print(stderr, "partita: warning: {}\n", w);
  }
  std::fflush(stdout);
}

int info_command(const InfoOptions& options, int* argc, char*** argv) {
  const Runtime runtime(argc, argv, {MPI_COMM_WORLD, options.threads});
  report_bindings(runtime.context(), options.json);
  return exit_success;
}

Subcommand add_info_command(CLI::App& partita) {
  auto options = std::make_shared<InfoOptions>();
  auto* app = partita.add_subcommand("info", "Where each rank and thread may run (host, CPUs, NUMA node), and what "
                                             "is wrong with it: mpirun -np R partita info");
  app->add_flag("--json", options->json, "JSON on stdout instead of the table");
  app->add_option("--threads", options->threads, "OpenMP threads per rank, as for run")->check(CLI::Range(1, 4096));
  return {app, [options](int* argc, char*** argv) { return info_command(*options, argc, argv); }};
}

}  // namespace partita::launch

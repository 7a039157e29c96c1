#include "commands/kernels_command.hpp"

#include <memory>
#include <fmt/format.h>

#include "commands/exit_codes.hpp"
#include "registry/kernel_registry.hpp"
#include "commands/subcommand.hpp"

namespace partita::launch {

int kernels_command() {
  for (const auto& kernel : builtin_kernels().all()) {
    fmt::print("{}\n  {}\n  parameters:\n", kernel.name, kernel.doc);
    for (const auto& p : kernel.params) {
      fmt::print("    {:<10} {:<8} default {:<10} {}\n", p.name, type_name(p.type), to_text(p.default_value),
                 allowed_text(p));
      fmt::print("    {:<10} {}\n", "", p.doc);
    }
    fmt::print("  outputs:\n");
    for (const auto& o : kernel.outputs) fmt::print("    {:<10} {:<8} {}\n", o.name, type_name(o.type), o.doc);
    fmt::print("\n");
  }
  return exit_success;
}

Subcommand add_kernels_command(CLI::App& partita) {
  auto* app = partita.add_subcommand("kernels", "List kernels with their parameters and outputs");
  return {app, [](int*, char***) { return kernels_command(); }};
}

}  // namespace partita::launch

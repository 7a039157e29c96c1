#include "commands/subcommand.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "commands/exit_codes.hpp"

namespace partita::launch {

bool is_first_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK", "SLURM_PROCID"}) {
    if (const char* value = std::getenv(name)) return std::atoi(value) == 0;
  }
  return true;
}

int usage_error(const std::string& message) {
  if (is_first_rank()) {
    fmt::print(stderr, "partita: error: {} (see 'partita --help')\n", message);
  } else {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  return exit_bad_input;
}

}  // namespace partita::launch

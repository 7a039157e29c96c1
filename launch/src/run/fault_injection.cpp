#include "run/fault_injection.hpp"

#include <chrono>
#include <cstdlib>
#include <new>
#include <string>
#include <thread>

#include "commands/exit_codes.hpp"
#include "output/atomic_file.hpp"
#include "run/job_failure.hpp"

namespace partita::launch {

namespace {

bool armed(int rank, std::string_view point) {
  const char* text = std::getenv("PARTITA_TEST_FAULT");
  if (text == nullptr) return false;
  const std::string wanted = std::string(point) + "@" + std::to_string(rank);
  std::string_view faults(text);
  while (!faults.empty()) {
    const auto comma = faults.find(',');
    if (faults.substr(0, comma) == wanted) return true;
    if (comma == std::string_view::npos) break;
    faults.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

void fault_point(int rank, std::string_view point) {
  if (!armed(rank, point)) return;
  const std::string injected = " (PARTITA_TEST_FAULT)";
  if (point == "prepare") throw JobError(exit_bad_input, "injected bad input" + injected);
  if (point == "journal" || point == "report") throw IoError("No space left on device" + injected);
  if (point == "stuck") {
    for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  throw std::bad_alloc();
}

}  // namespace partita::launch

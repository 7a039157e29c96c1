// libFuzzer target for the job-spec reader: each input is the text of a job
// file, read by parse_job_spec_text with the built-in kernels and expanded
// into its task space, as `partita run` would. A SpecError (or another
// partita::Error) is the expected answer to bad input; a finding is anything
// else: another exception, a crash, a sanitizer report, a leak, a timeout,
// or an error message a user could not read (not one printable line, or
// toml11's catch-all without a line number).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "spec/job_spec.hpp"
#include "partita/error.hpp"
#include "spec/task_space.hpp"

namespace {

constexpr const char* file_name = "fuzz/job.toml";

[[noreturn]] void finding(const char* what, const std::string& message) {
  std::fprintf(stderr, "job_spec_fuzzer: %s: %s\n", what, message.c_str());
  std::abort();
}

void check_message(const std::string& message) {
  if (message.rfind(std::string(file_name) + ":", 0) != 0) finding("message does not start with the file", message);
  if (message.rfind(std::string(file_name) + ": malformed TOML:", 0) == 0) {
    finding("toml11 threw something other than a syntax error", message);
  }
  for (const char c : message) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) finding("control character in the message", message);
  }
  if (message.size() > 4096) finding("message too long to read", message);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace partita::launch;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    // No memory check: a verdict must not depend on the machine fuzzing.
    const JobSpec job = parse_job_spec_text(text, file_name, builtin_kernels(), SpecChecks{false, std::nullopt});
    if (job.kernel == nullptr || job.output_dir.empty() || job.repeat == 0) {
      finding("accepted an incomplete job", job.name);
    }
    // Expanding is linear in the points (up to 2^20, each held in memory):
    // intended work, but under the sanitizers a big grid outlasts -timeout.
    std::uint64_t points = job.sweep.empty() ? 1 : job.sweep.front().values.size();
    for (std::size_t a = 1; job.mode == SweepMode::grid && a < job.sweep.size(); ++a) {
      points *= job.sweep[a].values.size();
    }
    if (points > (std::uint64_t{1} << 16)) return 0;
    const TaskSpace space(job);
    if (space.points() != points || space.tasks() > (std::uint64_t{1} << 32)) finding("bad task space", job.name);
    for (std::uint64_t point = 0; point < space.points(); ++point) {
      // The reader checked every point; the expansion must agree.
      if (job.kernel->check && !job.kernel->check(space.params(point)).empty()) {
        finding("accepted a point the kernel rejects", space.describe_point(point));
      }
    }
  } catch (const partita::Error& e) {
    check_message(e.what());
  }
  return 0;
}

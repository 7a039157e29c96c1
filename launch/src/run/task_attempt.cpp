#include "run/task_attempt.hpp"

#include <fmt/format.h>

#include <cmath>
#include <exception>

#include "partita/rng.hpp"

namespace partita::launch {

std::string attempt_task(const JobSpec& job, const ParamSet& params, std::uint64_t task, std::span<double> out) {
  try {
    Rng rng(job.seed, task);
    job.kernel->evaluate(params, rng, out);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "the kernel threw something that is not a std::exception";
  }
  for (std::size_t o = 0; o < out.size(); ++o) {
    const OutputSpec& output = job.kernel->outputs[o];
    if (!std::isfinite(out[o])) return fmt::format("output '{}' is not finite ({})", output.name, out[o]);
    if (output.type == OutputType::integer && (out[o] != std::trunc(out[o]) || std::abs(out[o]) > max_exact_integer)) {
      return fmt::format("output '{}' = {} is not an integer of magnitude at most 2^53", output.name, out[o]);
    }
  }
  return {};
}

}  // namespace partita::launch

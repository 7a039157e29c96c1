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
    if (!std::isfinite(out[o])) {
      return fmt::format("output '{}' is not finite ({})", job.kernel->outputs[o].name, out[o]);
    }
  }
  return {};
}

}  // namespace partita::launch

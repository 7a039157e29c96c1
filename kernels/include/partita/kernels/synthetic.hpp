// Synthetic work for testing and benchmarking load balance: a task's cost is
// drawn from a chosen distribution (constant, uniform, exponential, Pareto)
// and then burnt as real CPU arithmetic. Plain C++: no MPI, no threads. The
// cost depends only on the Rng stream, and the burnt work is counted in loop
// iterations, never in measured time, so every output is deterministic.
#pragma once

#include <cstdint>
#include <string>

#include "partita/error.hpp"
#include "partita/rng.hpp"

namespace partita::kernels::synthetic {

enum class Distribution { constant, uniform, exponential, pareto };

/// "constant" -> Distribution::constant, and so on; throws
/// partita::InvalidArgument for any other name.
Distribution parse_distribution(const std::string& name);

/// Iterations of burn()'s loop per microsecond. Measured once (see
/// synthetic.cpp), so that a cost means roughly that much CPU time while
/// the iteration count stays a pure function of the cost.
inline constexpr double iterations_per_us = 640.0;

/// Draws one task's cost in microseconds, with mean `mean_us`:
///   constant     mean_us (draws nothing)
///   uniform      on [0, 2 mean_us)
///   exponential  rate 1 / mean_us
///   pareto       shape alpha, scale mean_us (alpha - 1) / alpha
/// Uses the first uniform() of rng, so the cost of Rng(seed, task) is a pure
/// function of (seed, task). Not collective. Throws partita::InvalidArgument if
/// mean_us is negative or not finite, or for pareto if alpha <= 1 (its mean
/// would be infinite) or not finite.
double task_cost_us(Distribution distribution, double mean_us, double alpha, Rng& rng);

/// round(cost_us x iterations_per_us), saturated at 2^62 so a far Pareto
/// tail cannot overflow. Throws partita::InvalidArgument if cost_us is negative
/// or NaN.
std::uint64_t iterations_for(double cost_us);

/// Runs `iterations` steps of a serial integer hash chain (each step needs
/// the last, so it cannot be vectorised, skipped or folded into a formula)
/// and returns the chain's final high 32 bits. Depends only on `iterations`.
std::uint32_t spin(std::uint64_t iterations);

struct Burn {
  std::uint64_t iterations = 0;
  std::uint32_t checksum = 0;
};

/// About cost_us microseconds of CPU work on the calibration machine:
/// spin(iterations_for(cost_us)). Not collective.
Burn burn(double cost_us);

}  // namespace partita::kernels::synthetic

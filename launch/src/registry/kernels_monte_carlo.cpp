// The Monte Carlo kernels as the launcher runs them: pi and integrate over
// a few built-in integrands with known integrals.
#include <cmath>
#include <string>

#include "registry/kernel_registry.hpp"
#include "partita/kernels/monte_carlo.hpp"

namespace partita::launch {

namespace mc = partita::kernels::monte_carlo;

namespace {

// One Rng stream holds 2^33 doubles (partita/rng.hpp); a task may
// not draw more, or its numbers would repeat.
constexpr double doubles_per_stream = 8589934592.0;

void write_estimate(const mc::Estimate& e, std::span<double> out) {
  out[0] = e.value;
  out[1] = e.std_error;
}

KernelInfo pi_kernel() {
  KernelInfo k;
  k.name = "pi";
  k.doc = "Estimates pi from uniform points in the unit square (4 x fraction inside the quarter disc).";
  k.params = {{"samples", ParamType::integer, std::int64_t{1000000}, 1, doubles_per_stream / 2, {},
               "points drawn per task (2 doubles each; one stream holds 2^33 doubles)"}};
  k.outputs = {{"estimate", "this task's estimate of pi"},
               {"std_error", "its standard error, 4 sqrt(p(1-p)/samples)"}};
  k.cost_hint = [](const ParamSet& p, Rng&) { return static_cast<double>(p.integer("samples")); };
  k.evaluate = [](const ParamSet& p, Rng& rng, std::span<double> out) {
    write_estimate(mc::pi(static_cast<std::uint64_t>(p.integer("samples")), rng), out);
  };
  return k;
}

// Integrands with integrals known in closed form, so results can be checked.
double integrand(const std::string& name, std::span<const double> x) {
  double r2 = 0.0;
  for (double xi : x) r2 += xi * xi;
  if (name == "polynomial") return r2;
  if (name == "gaussian") return std::exp(-r2);
  return r2 <= 1.0 ? 1.0 : 0.0;  // "ball": the indicator of the unit ball
}

KernelInfo integrate_kernel() {
  KernelInfo k;
  k.name = "integrate";
  k.doc = "Integrates a built-in function over the box [lower, upper]^dim by uniform sampling.";
  k.params = {
      {"integrand", ParamType::choice, std::string("polynomial"), 0, 0, {"polynomial", "gaussian", "ball"},
       "polynomial: sum x_i^2; gaussian: exp(-|x|^2); ball: 1 inside the unit ball, else 0"},
      {"dim", ParamType::integer, std::int64_t{2}, 1, 64, {}, "dimension of the box"},
      {"samples", ParamType::integer, std::int64_t{100000}, 2, doubles_per_stream, {},
       "points drawn per task (dim doubles each; samples x dim <= 2^33)"},
      {"lower", ParamType::real, 0.0, -1e6, 1e6, {}, "lower corner in every dimension"},
      {"upper", ParamType::real, 1.0, -1e6, 1e6, {}, "upper corner in every dimension"},
  };
  k.outputs = {{"estimate", "the integral's estimate"}, {"std_error", "its standard error"}};
  k.check = [](const ParamSet& p) -> std::string {
    if (!(p.real("lower") < p.real("upper"))) return "lower must be < upper";
    if (static_cast<double>(p.integer("samples")) * static_cast<double>(p.integer("dim")) > doubles_per_stream) {
      return "samples x dim must be <= 2^33 (the doubles in one random stream)";
    }
    return {};
  };
  k.cost_hint = [](const ParamSet& p, Rng&) {
    return static_cast<double>(p.integer("samples")) * static_cast<double>(p.integer("dim"));
  };
  k.evaluate = [](const ParamSet& p, Rng& rng, std::span<double> out) {
    const auto dim = static_cast<std::size_t>(p.integer("dim"));
    const mc::Box box{std::vector<double>(dim, p.real("lower")), std::vector<double>(dim, p.real("upper"))};
    const std::string& name = p.text("integrand");
    const auto f = [&name](std::span<const double> x) { return integrand(name, x); };
    write_estimate(mc::integrate(f, box, static_cast<std::uint64_t>(p.integer("samples")), rng), out);
  };
  return k;
}

}  // namespace

void register_monte_carlo_kernels(KernelRegistry& registry) {
  registry.add(pi_kernel());
  registry.add(integrate_kernel());
}

}  // namespace partita::launch

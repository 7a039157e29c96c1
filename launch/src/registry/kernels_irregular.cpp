// Kernels whose tasks differ widely in cost, as the launcher runs them:
// synthetic (a drawn cost burnt as CPU work) and mandelbrot (one image row
// per task). Both give a cost hint, so the auto schedule starts the most
// expensive tasks first.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <thread>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "registry/kernel_registry.hpp"
#include "partita/kernels/mandelbrot.hpp"
#include "partita/kernels/synthetic.hpp"

namespace partita::launch {

namespace syn = partita::kernels::synthetic;
namespace mb = partita::kernels::mandelbrot;

namespace {

double synthetic_cost(const ParamSet& p, Rng& rng) {
  return syn::task_cost_us(syn::parse_distribution(p.text("distribution")), p.real("mean_us"), p.real("alpha"), rng);
}

KernelInfo synthetic_kernel() {
  KernelInfo k;
  k.name = "synthetic";
  k.doc = "Burns a drawn amount of CPU work per task, to test and benchmark load balance.";
  k.params = {
      {"distribution", ParamType::choice, std::string("exponential"), 0, 0,
       {"constant", "uniform", "exponential", "pareto"},
       "how task costs vary: constant; uniform on [0, 2 mean]; exponential; pareto (heavy tail)"},
      {"mean_us", ParamType::real, 1000.0, 0.0, 1e8, {}, "mean cost of a task in microseconds of CPU"},
      {"alpha", ParamType::real, 1.5, 1.0, 1000.0, {},
       "pareto shape, > 1; smaller means a heavier tail (pareto only)"},
      {"fail_fraction", ParamType::real, 0.0, 0.0, 1.0, {},
       "fraction of tasks that fail, chosen by a draw from each task's stream (tests failure handling)"},
      {"failure", ParamType::choice, std::string("throw"), 0, 0, {"throw", "nan", "segfault", "abort", "exit", "hang"},
       "how a failing task fails: throw an exception, return NaN outputs; or, to test isolation = \"process\" "
       "(they end or stall the whole process), segfault, abort, exit(3), hang"},
  };
  k.outputs = {{"cost_us", "this task's drawn cost in microseconds"},
               {"iterations", "loop iterations burnt: round(cost_us x " +
                                  std::to_string(static_cast<int>(syn::iterations_per_us)) + ")",
                OutputType::integer},
               {"checksum", "the loop's result, a function of iterations only"}};
  k.check = [](const ParamSet& p) -> std::string {
    if (p.text("distribution") == "pareto" && !(p.real("alpha") > 1.0)) {
      return "alpha = " + to_text(p.at("alpha")) +
             ": must be > 1 for distribution = \"pareto\" (else its mean is infinite)";
    }
    return {};
  };
  k.cost_hint = synthetic_cost;
  k.evaluate = [](const ParamSet& p, Rng& rng, std::span<double> out) {
    const double cost = synthetic_cost(p, rng);
    // The next draw decides failure: the same for every attempt of a task.
    const bool fails = p.real("fail_fraction") > 0.0 && rng.uniform() < p.real("fail_fraction");
    const syn::Burn burnt = syn::burn(cost);
    out[0] = cost;
    out[1] = static_cast<double>(burnt.iterations);
    out[2] = static_cast<double>(burnt.checksum);
    if (!fails) return;
    const std::string& how = p.text("failure");
    if (how == "nan") {
      out[2] = std::nan("");
      return;
    }
    if (how == "segfault") std::raise(SIGSEGV);
    if (how == "abort") std::abort();
    if (how == "exit") std::_Exit(3);
    if (how == "hang") {
      for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    throw std::runtime_error("injected failure (fail_fraction = " + to_text(p.at("fail_fraction")) + ")");
  };
  return k;
}

mb::Region region_of(const ParamSet& p) {
  return {p.real("x_min"), p.real("x_max"), p.real("y_min"), p.real("y_max")};
}

std::size_t size_param(const ParamSet& p, const char* name) { return static_cast<std::size_t>(p.integer(name)); }

KernelInfo mandelbrot_kernel() {
  constexpr double max_pixels = 1 << 20;
  KernelInfo k;
  k.name = "mandelbrot";
  k.doc = "Escape counts of one row of a Mandelbrot image per task; sweep the rows: row = [0, 1, ..., height - 1].";
  k.params = {
      {"row", ParamType::integer, std::int64_t{0}, 0, max_pixels - 1, {},
       "the image row this task computes, 0 at the top; < height"},
      {"width", ParamType::integer, std::int64_t{1024}, 1, max_pixels, {}, "pixels per row"},
      {"height", ParamType::integer, std::int64_t{1024}, 1, max_pixels, {}, "rows in the image"},
      {"max_iter", ParamType::integer, std::int64_t{1000}, 1, 1e9, {}, "iterations before a point counts as inside"},
      {"x_min", ParamType::real, -2.0, -1e3, 1e3, {}, "left edge of the region (real axis)"},
      {"x_max", ParamType::real, 1.0, -1e3, 1e3, {}, "right edge of the region"},
      {"y_min", ParamType::real, -1.5, -1e3, 1e3, {}, "bottom edge of the region (imaginary axis)"},
      {"y_max", ParamType::real, 1.5, -1e3, 1e3, {}, "top edge of the region"},
  };
  k.outputs = {{"escaped", "pixels of the row that escaped", OutputType::integer},
               {"inside", "pixels that reached max_iter (in the set)", OutputType::integer},
               {"iterations", "total iterations over the row (the work done)", OutputType::integer},
               {"mean_escape", "mean escape count of the escaped pixels; 0 if none"}};
  k.check = [](const ParamSet& p) -> std::string {
    if (p.integer("row") >= p.integer("height")) {
      return "row = " + to_text(p.at("row")) + ": must be < height = " + to_text(p.at("height"));
    }
    if (!(p.real("x_min") < p.real("x_max"))) return "x_min must be < x_max";
    if (!(p.real("y_min") < p.real("y_max"))) return "y_min must be < y_max";
    return {};
  };
  // Every 64th pixel (at least 8 per row): under 2% of the row's own work
  // (bench/balance.py), still enough to tell rows through the set (max_iter
  // per pixel) from rows that escape at once.
  k.cost_hint = [](const ParamSet& p, Rng&) {
    const std::size_t width = size_param(p, "width");
    return mb::estimate_row_iterations(region_of(p), width, size_param(p, "height"), size_param(p, "row"),
                                       static_cast<std::uint32_t>(p.integer("max_iter")),
                                       std::max<std::size_t>(1, std::min<std::size_t>(64, width / 8)));
  };
  k.evaluate = [](const ParamSet& p, Rng&, std::span<double> out) {
    const mb::RowSummary s = mb::row(region_of(p), size_param(p, "width"), size_param(p, "height"),
                                     size_param(p, "row"), static_cast<std::uint32_t>(p.integer("max_iter")));
    out[0] = static_cast<double>(s.escaped);
    out[1] = static_cast<double>(s.inside);
    out[2] = static_cast<double>(s.iterations);
    out[3] = s.mean_escape;
  };
  return k;
}

}  // namespace

void register_irregular_kernels(KernelRegistry& registry) {
  registry.add(synthetic_kernel());
  registry.add(mandelbrot_kernel());
}

}  // namespace partita::launch

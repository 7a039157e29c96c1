// The heat-equation stencil as the launcher runs it: each task is a whole
// simulation on MPI_COMM_SELF with the task's threads (threads_per_task), so
// a sweep runs many independent grids (sizes, boundary values, step counts).
// On MPI_COMM_SELF the kernel makes no MPI call, so it may run on the
// launcher's worker threads and in isolated worker processes.
#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include "registry/kernel_registry.hpp"
#include "partita/kernels/stencil.hpp"

namespace partita::launch {

namespace st = partita::kernels::stencil;

namespace {

// Two fields of this many doubles are 1 GiB: a task's memory stays bounded
// while several run at once.
constexpr double max_points = 67108864.0;  // 2^26

// FNV-1a over the field's bit patterns, cut to 53 bits so that it is exact as
// a double: any change in any bit of any point changes it (almost surely).
double checksum(const std::vector<double>& field) {
  std::uint64_t h = 14695981039346656037ull;
  for (double x : field) {
    const auto bits = std::bit_cast<std::uint64_t>(x);
    for (int byte = 0; byte < 8; ++byte) {
      h ^= (bits >> (8 * byte)) & 0xffu;
      h *= 1099511628211ull;
    }
  }
  return static_cast<double>(h & ((std::uint64_t{1} << 53) - 1));
}

// Row-major order: the same sum for any thread count (the field is).
double mean(const std::vector<double>& field) {
  double sum = 0.0;
  for (double x : field) sum += x;
  return sum / static_cast<double>(field.size());
}

KernelInfo heat_kernel() {
  KernelInfo k;
  k.name = "heat";
  k.doc =
      "The 2D heat equation on an nx x ny grid: Jacobi steps of the 5-point stencil with fixed edge values "
      "(one whole grid per task, on the task's threads).";
  k.params = {
      {"nx", ParamType::integer, std::int64_t{256}, 3, 1 << 20, {}, "grid points per row, edges included"},
      {"ny", ParamType::integer, std::int64_t{256}, 3, 1 << 20, {}, "grid rows, edges included"},
      {"steps", ParamType::integer, std::int64_t{100}, 0, 1e9, {}, "Jacobi steps"},
      {"alpha",
       ParamType::real,
       0.25,
       0.0,
       0.25,
       {},
       "diffusion number kappa dt / h^2, > 0; 0.25 is Jacobi's average of the 4 neighbours"},
      {"top", ParamType::real, 1.0, -1e9, 1e9, {}, "fixed value of row 0 (corners included)"},
      {"bottom", ParamType::real, 0.0, -1e9, 1e9, {}, "fixed value of row ny - 1 (corners included)"},
      {"left", ParamType::real, 0.0, -1e9, 1e9, {}, "fixed value of column 0"},
      {"right", ParamType::real, 0.0, -1e9, 1e9, {}, "fixed value of column nx - 1"},
      {"initial", ParamType::real, 0.0, -1e9, 1e9, {}, "value of every interior point at step 0"},
  };
  k.outputs = {{"mean", "mean value over all nx x ny points after the steps"},
               {"max_change", "largest |change| of a point in the last step (0 if steps = 0)"},
               {"checksum", "FNV-1a hash of the final field's bits, cut to 53 bits: equal fields, equal checksums",
                OutputType::integer}};
  k.check = [](const ParamSet& p) -> std::string {
    if (!(p.real("alpha") > 0.0)) return "alpha = " + to_text(p.at("alpha")) + ": must be > 0";
    if (static_cast<double>(p.integer("nx")) * static_cast<double>(p.integer("ny")) > max_points) {
      return "nx x ny = " + to_text(p.at("nx")) + " x " + to_text(p.at("ny")) +
             ": must be <= 67108864 (2^26 points; a task holds two fields of that many doubles)";
    }
    return {};
  };
  k.cost_hint = [](const ParamSet& p, Rng&) {
    const auto steps = static_cast<double>(p.integer("steps"));
    return static_cast<double>(p.integer("nx")) * static_cast<double>(p.integer("ny")) * (steps > 0 ? steps : 1);
  };
  k.evaluate = [](const ParamSet& p, Rng&, std::span<double> out) {
    const auto nx = static_cast<std::size_t>(p.integer("nx"));
    const auto ny = static_cast<std::size_t>(p.integer("ny"));
    const double top = p.real("top"), bottom = p.real("bottom"), left = p.real("left"), right = p.real("right");
    const double inside = p.real("initial");
    const st::Initial initial = [=](std::size_t row, std::size_t col) {
      if (row == 0) return top;
      if (row == ny - 1) return bottom;
      if (col == 0) return left;
      if (col == nx - 1) return right;
      return inside;
    };
    // threads = 0: omp_get_max_threads(), which the launcher sets to the
    // task's threads_per_task on the thread that runs it.
    st::Heat2D heat(MPI_COMM_SELF, nx, ny, initial, {p.real("alpha"), 0, true});
    heat.step(static_cast<std::uint64_t>(p.integer("steps")));
    const std::vector<double> field = heat.gather();
    out[0] = mean(field);
    out[1] = heat.max_change();
    out[2] = checksum(field);
  };
  return k;
}

}  // namespace

void register_stencil_kernels(KernelRegistry& registry) { registry.add(heat_kernel()); }

}  // namespace partita::launch

// The n-body kernel as the launcher runs it: each task evolves its own
// system (bodies drawn from the task's stream, uniform in the unit ball, in
// virial equilibrium) on the task's threads, on MPI_COMM_SELF, and reports
// how well the leapfrog conserved energy. Bitwise reproducible for any
// threads_per_task.
#include <cmath>
#include <cstdint>

#include "registry/kernel_registry.hpp"
#include "partita/kernels/nbody.hpp"

namespace partita::launch {

namespace nb = partita::kernels::nbody;

namespace {

KernelInfo nbody_kernel() {
  KernelInfo k;
  k.name = "nbody";
  k.doc = "Evolves `bodies` gravitating bodies (total mass 1, G = 1, uniform in the unit ball, in virial "
          "equilibrium; drawn from the task's stream) for `steps` kick-drift-kick leapfrog steps of length dt, "
          "all pairs with Plummer softening, on the task's threads.";
  k.params = {
      {"bodies", ParamType::integer, std::int64_t{256}, 2, 65536, {}, "number of bodies"},
      {"steps", ParamType::integer, std::int64_t{100}, 0, 1e7, {}, "leapfrog steps"},
      {"dt", ParamType::real, 1e-3, 1e-9, 1.0, {}, "time step (the crossing time is about 1)"},
      {"softening", ParamType::real, 0.05, 1e-6, 10.0, {}, "Plummer softening length eps"},
  };
  k.outputs = {{"energy_start", "total energy (kinetic + potential) before the first step"},
               {"energy_end", "total energy after the last step"},
               {"energy_drift", "(energy_end - energy_start) / |energy_start|"},
               {"virial_ratio", "2 K / |W| at the end: about 1 in equilibrium"}};
  k.cost_hint = [](const ParamSet& p, Rng&) {
    const auto n = static_cast<double>(p.integer("bodies"));
    return n * n * (static_cast<double>(p.integer("steps")) + 2.0);
  };
  k.evaluate = [](const ParamSet& p, Rng& rng, std::span<double> out) {
    const auto n = static_cast<std::uint64_t>(p.integer("bodies"));
    const nb::Gravity gravity{1.0, p.real("softening")};
    // One draw from the task's stream seeds the bodies' own streams.
    const std::uint64_t seed = (static_cast<std::uint64_t>(rng.next_u32()) << 32) | rng.next_u32();
    nb::Bodies bodies = nb::uniform_sphere(n, {0, n}, seed, gravity.g);
    nb::Accelerations acc;
    nb::accelerations(bodies, gravity, acc, MPI_COMM_SELF);
    const nb::Energy start = nb::energy(bodies, gravity, MPI_COMM_SELF);
    for (std::int64_t step = 0; step < p.integer("steps"); ++step) {
      nb::leapfrog_step(bodies, acc, p.real("dt"), gravity, MPI_COMM_SELF);
    }
    const nb::Energy end = nb::energy(bodies, gravity, MPI_COMM_SELF);
    out[0] = start.total();
    out[1] = end.total();
    out[2] = (end.total() - start.total()) / std::fabs(start.total());
    out[3] = 2.0 * end.kinetic / std::fabs(end.potential);
  };
  return k;
}

}  // namespace

void register_nbody_kernels(KernelRegistry& registry) { registry.add(nbody_kernel()); }

}  // namespace partita::launch

// The heat-equation stencil (partita/kernels/stencil.hpp) behind the C API:
// a handle per grid, on the runtime's communicator and threads.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "c_errors.hpp"
#include "c_runtime.hpp"
#include "partita/kernels/stencil.hpp"

struct partita_heat {
  partita::kernels::stencil::Heat2D heat;
};

namespace {

using partita::c_api::require;

// Thrown from the initial-value callback; Heat2D passes it on.
partita::c_api::CallbackError initial_failed(int code, std::uint64_t row, std::uint64_t col) {
  return partita::c_api::CallbackError("the initial-value callback returned " + std::to_string(code) +
                                       " at row " + std::to_string(row) + ", column " + std::to_string(col));
}

}  // namespace

extern "C" {

partita_status partita_heat_create(const partita_runtime* runtime, uint64_t nx, uint64_t ny, double alpha,
                                   partita_heat_initial initial, void* user, partita_heat** heat) {
  return partita::c_api::guarded("partita_heat_create", [&] {
    require(heat, "heat");
    *heat = nullptr;
    require(runtime, "runtime");
    require(reinterpret_cast<const void*>(initial), "initial");
    const partita::kernels::stencil::Initial values = [initial, user](std::size_t row, std::size_t col) {
      double value = 0.0;
      if (const int code = initial(row, col, user, &value); code != 0) throw initial_failed(code, row, col);
      return value;
    };
    partita::kernels::stencil::HeatOptions options;
    options.alpha = alpha;
    *heat = new partita_heat{partita::kernels::stencil::Heat2D(runtime->runtime.context(), nx, ny, values, options)};
  });
}

partita_status partita_heat_step(partita_heat* heat, uint64_t steps, double* max_change) {
  return partita::c_api::guarded("partita_heat_step", [&] {
    require(heat, "heat");
    const double change = heat->heat.step(steps);
    if (max_change) *max_change = change;
  });
}

partita_status partita_heat_gather(const partita_heat* heat, int root, double* field) {
  return partita::c_api::guarded("partita_heat_gather", [&] {
    require(heat, "heat");
    const std::vector<double> all = heat->heat.gather(root);
    if (all.empty()) return;  // not the root
    require(field, "field");
    std::copy(all.begin(), all.end(), field);
  });
}

partita_status partita_heat_free(partita_heat* heat) {
  return partita::c_api::guarded("partita_heat_free", [&] { delete heat; });
}

}  // extern "C"

// The kernels the partita command can run, by name: each with its
// parameters (types, defaults, ranges, docs), its outputs and the function
// that evaluates one task. Kernels are registered explicitly in
// builtin_kernels(), never by static initialisers a linker may drop.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "spec/output_spec.hpp"
#include "spec/param.hpp"
#include "partita/rng.hpp"

namespace partita::launch {


struct KernelInfo {
  std::string name;
  std::string doc;
  std::vector<ParamSpec> params;
  std::vector<OutputSpec> outputs;
  /// Cross-parameter rules beyond each parameter's range; returns "" when
  /// the set is valid, else a message naming the parameters.
  std::function<std::string(const ParamSet&)> check;
  /// Optional: the relative cost of a task (any unit, only ratios matter),
  /// from its parameters and a fresh copy of the random stream evaluate will
  /// get (so a cost drawn per task can be predicted). With it, the auto
  /// schedule starts the most expensive tasks first, which shortens the tail
  /// of an irregular sweep.
  std::function<double(const ParamSet&, Rng&)> cost_hint;
  /// Evaluates one task: writes outputs.size() values into `out` (an
  /// integer output as a whole number; built-in kernels have no text
  /// outputs). Runs concurrently on many threads, so it must not touch
  /// shared state.
  std::function<void(const ParamSet&, Rng&, std::span<double> out)> evaluate;

  const ParamSpec* find_param(const std::string& param) const;
  std::vector<std::string> param_names() const;
};

class KernelRegistry {
 public:
  void add(KernelInfo kernel);
  const KernelInfo* find(const std::string& name) const;
  std::vector<std::string> names() const;
  const std::vector<KernelInfo>& all() const noexcept { return kernels_; }

 private:
  std::vector<KernelInfo> kernels_;
};

/// Every kernel shipped with Partita, built on first use and never changed.
const KernelRegistry& builtin_kernels();

/// Registration functions, one per kernel family (kernels_*.cpp).
void register_monte_carlo_kernels(KernelRegistry& registry);
void register_irregular_kernels(KernelRegistry& registry);
void register_stencil_kernels(KernelRegistry& registry);
void register_reduce_kernels(KernelRegistry& registry);
void register_dense_kernels(KernelRegistry& registry);
void register_nbody_kernels(KernelRegistry& registry);

}  // namespace partita::launch

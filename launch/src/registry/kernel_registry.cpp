#include "registry/kernel_registry.hpp"

#include <stdexcept>

namespace partita::launch {

const ParamSpec* KernelInfo::find_param(const std::string& param) const {
  for (const auto& p : params) {
    if (p.name == param) return &p;
  }
  return nullptr;
}

std::vector<std::string> KernelInfo::param_names() const {
  std::vector<std::string> names;
  for (const auto& p : params) names.push_back(p.name);
  return names;
}

void KernelRegistry::add(KernelInfo kernel) {
  if (find(kernel.name) != nullptr) throw std::logic_error("kernel '" + kernel.name + "' registered twice");
  kernels_.push_back(std::move(kernel));
}

const KernelInfo* KernelRegistry::find(const std::string& name) const {
  for (const auto& k : kernels_) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

std::vector<std::string> KernelRegistry::names() const {
  std::vector<std::string> names;
  for (const auto& k : kernels_) names.push_back(k.name);
  return names;
}

const KernelRegistry& builtin_kernels() {
  static const KernelRegistry registry = [] {
    KernelRegistry all;
    register_monte_carlo_kernels(all);
    register_irregular_kernels(all);
    register_stencil_kernels(all);
    register_reduce_kernels(all);
    register_dense_kernels(all);
    register_nbody_kernels(all);
    return all;
  }();
  return registry;
}

}  // namespace partita::launch

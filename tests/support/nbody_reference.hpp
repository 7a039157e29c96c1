// Naive serial references for the n-body kernel's tests: the double loop
// over all pairs in global body order, and the pair sum of the potential
// energy, each with the error bound that tolerances are taken from.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "partita/kernels/nbody.hpp"

namespace partita::testing::nbody_reference {

/// One component of a body's acceleration, and the sum of its terms'
/// magnitudes (for the tolerance).
struct Component {
  double value = 0.0;
  double magnitude = 0.0;
};

struct Acceleration {
  Component x, y, z;
};

/// a_i = G sum_{j != i} m_j d_ij / (|d_ij|^2 + eps^2)^(3/2), j in global order.
inline std::vector<Acceleration> accelerations(const kernels::nbody::Bodies& all,
                                               const kernels::nbody::Gravity& gravity) {
  const std::size_t n = all.size();
  const double eps2 = gravity.softening * gravity.softening;
  std::vector<Acceleration> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      const double dx = all.x[j] - all.x[i];
      const double dy = all.y[j] - all.y[i];
      const double dz = all.z[j] - all.z[i];
      const double r2 = dx * dx + dy * dy + dz * dz + eps2;
      const double s = gravity.g * all.mass[j] / (r2 * std::sqrt(r2));
      out[i].x.value += s * dx;
      out[i].y.value += s * dy;
      out[i].z.value += s * dz;
      out[i].x.magnitude += std::fabs(s * dx);
      out[i].y.magnitude += std::fabs(s * dy);
      out[i].z.magnitude += std::fabs(s * dz);
    }
  }
  return out;
}

/// How far two computations of a component may differ: each term carries a
/// few roundings (about 10 for the kernel's and the reference's formulas
/// together), and any order of summing n terms errs by at most
/// (n - 1) eps sum |terms| (Higham 4.2), for each of the two sums.
inline double tolerance(const Component& c, std::size_t n) {
  constexpr double eps = std::numeric_limits<double>::epsilon();
  return (2.0 * static_cast<double>(n) + 10.0) * eps * c.magnitude + 1e-300;
}

/// Potential energy -G sum_{i < j} m_i m_j / sqrt(r_ij^2 + eps^2), and the
/// sum of its terms' magnitudes.
inline Component potential_energy(const kernels::nbody::Bodies& all, const kernels::nbody::Gravity& gravity) {
  const double eps2 = gravity.softening * gravity.softening;
  Component w;
  for (std::size_t i = 0; i < all.size(); ++i) {
    for (std::size_t j = i + 1; j < all.size(); ++j) {
      const double dx = all.x[j] - all.x[i];
      const double dy = all.y[j] - all.y[i];
      const double dz = all.z[j] - all.z[i];
      const double term = -gravity.g * all.mass[i] * all.mass[j] / std::sqrt(dx * dx + dy * dy + dz * dz + eps2);
      w.value += term;
      w.magnitude += std::fabs(term);
    }
  }
  return w;
}

inline double kinetic_energy(const kernels::nbody::Bodies& all) {
  double k = 0.0;
  for (std::size_t i = 0; i < all.size(); ++i) {
    k += 0.5 * all.mass[i] * (all.vx[i] * all.vx[i] + all.vy[i] * all.vy[i] + all.vz[i] * all.vz[i]);
  }
  return k;
}

}  // namespace partita::testing::nbody_reference

// Naive serial references for the dense kernel's tests: the textbook triple
// loop, Gaussian elimination with partial pivoting, and Cholesky, written
// plainly so that they are obviously right; plus random matrices from the
// project's counter-based Rng (never Eigen's Random(), not thread-safe).
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

#include "partita/rng.hpp"

namespace partita::testing::dense_reference {

inline constexpr double eps = std::numeric_limits<double>::epsilon();

inline Eigen::MatrixXd random_matrix(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed) {
  Rng rng(seed, 0);
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j) {
    for (Eigen::Index i = 0; i < rows; ++i) m(i, j) = rng.uniform(-1.0, 1.0);
  }
  return m;
}

/// M M^T / n + I: symmetric positive definite, eigenvalues in [1, ~n/3 + 1].
inline Eigen::MatrixXd random_spd(Eigen::Index n, std::uint64_t seed) {
  const Eigen::MatrixXd m = random_matrix(n, n, seed);
  Eigen::MatrixXd a = Eigen::MatrixXd::Identity(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j) {
      double s = 0.0;
      for (Eigen::Index k = 0; k < n; ++k) s += m(i, k) * m(j, k);
      a(i, j) += s / static_cast<double>(n);
    }
  }
  return a;
}

/// alpha A B + beta C, summed over k in order.
inline Eigen::MatrixXd gemm(double alpha, const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, double beta,
                            const Eigen::MatrixXd& c) {
  Eigen::MatrixXd out(a.rows(), b.cols());
  for (Eigen::Index i = 0; i < a.rows(); ++i) {
    for (Eigen::Index j = 0; j < b.cols(); ++j) {
      double s = 0.0;
      for (Eigen::Index k = 0; k < a.cols(); ++k) s += a(i, k) * b(k, j);
      out(i, j) = alpha * s + (beta == 0.0 ? 0.0 : beta * c(i, j));
    }
  }
  return out;
}

/// The error bound of any order of summation for each element of A B
/// (Higham, Accuracy and Stability, 3.5): |fl(AB) - AB| <= gamma_k |A| |B|,
/// gamma_k = k eps / (1 - k eps). Applied to the difference of two computed
/// products, so twice that, plus one rounding of the result.
inline Eigen::MatrixXd product_tolerance(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, double alpha = 1.0) {
  const double k = static_cast<double>(a.cols());
  const double gamma = (k + 2.0) * eps / (1.0 - (k + 2.0) * eps);
  return 2.0 * gamma * std::fabs(alpha) * (a.cwiseAbs() * b.cwiseAbs());
}

/// X solving A X = B by Gaussian elimination with partial pivoting, column
/// by column, in the plainest order.
inline Eigen::MatrixXd solve_gaussian(Eigen::MatrixXd a, Eigen::MatrixXd b) {
  const Eigen::Index n = a.rows();
  for (Eigen::Index k = 0; k < n; ++k) {
    Eigen::Index pivot = k;
    for (Eigen::Index i = k + 1; i < n; ++i) {
      if (std::fabs(a(i, k)) > std::fabs(a(pivot, k))) pivot = i;
    }
    a.row(k).swap(a.row(pivot));
    b.row(k).swap(b.row(pivot));
    for (Eigen::Index i = k + 1; i < n; ++i) {
      const double l = a(i, k) / a(k, k);
      for (Eigen::Index j = k; j < n; ++j) a(i, j) -= l * a(k, j);
      for (Eigen::Index j = 0; j < b.cols(); ++j) b(i, j) -= l * b(k, j);
    }
  }
  for (Eigen::Index k = n - 1; k >= 0; --k) {
    for (Eigen::Index j = 0; j < b.cols(); ++j) {
      double s = b(k, j);
      for (Eigen::Index i = k + 1; i < n; ++i) s -= a(k, i) * b(i, j);
      b(k, j) = s / a(k, k);
    }
  }
  return b;
}

/// X solving A X = B for SPD A by the Cholesky-Banachiewicz factorisation.
inline Eigen::MatrixXd solve_cholesky(const Eigen::MatrixXd& a, Eigen::MatrixXd b) {
  const Eigen::Index n = a.rows();
  Eigen::MatrixXd l = Eigen::MatrixXd::Zero(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j <= i; ++j) {
      double s = a(i, j);
      for (Eigen::Index k = 0; k < j; ++k) s -= l(i, k) * l(j, k);
      l(i, j) = i == j ? std::sqrt(s) : s / l(j, j);
    }
  }
  for (Eigen::Index c = 0; c < b.cols(); ++c) {
    for (Eigen::Index i = 0; i < n; ++i) {  // L y = b
      double s = b(i, c);
      for (Eigen::Index k = 0; k < i; ++k) s -= l(i, k) * b(k, c);
      b(i, c) = s / l(i, i);
    }
    for (Eigen::Index i = n - 1; i >= 0; --i) {  // L^T x = y
      double s = b(i, c);
      for (Eigen::Index k = i + 1; k < n; ++k) s -= l(k, i) * b(k, c);
      b(i, c) = s / l(i, i);
    }
  }
  return b;
}

/// Normwise backward error of X: |A X - B| / (|A| |X| + |B|), infinity norms.
inline double backward_error(const Eigen::MatrixXd& a, const Eigen::MatrixXd& x, const Eigen::MatrixXd& b) {
  const Eigen::MatrixXd r = gemm(1.0, a, x, -1.0, b);
  const auto norm = [](const Eigen::MatrixXd& m) { return m.cwiseAbs().rowwise().sum().maxCoeff(); };
  return norm(r) / (norm(a) * norm(x) + norm(b));
}

}  // namespace partita::testing::dense_reference

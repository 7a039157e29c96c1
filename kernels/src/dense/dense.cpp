#include "partita/kernels/dense.hpp"

#include <climits>
#include <functional>
#include <string>

#include "dense/dense_backend.hpp"
#include "partita/error.hpp"

namespace partita::kernels::dense {

namespace {

std::string shape(const char* name, Eigen::Index rows, Eigen::Index cols) {
  return std::string(name) + " is " + std::to_string(rows) + " x " + std::to_string(cols);
}

// BLAS and LAPACK take int sizes (LP64).
void check_size(const char* function, const char* name, Eigen::Index rows, Eigen::Index cols) {
  if (rows > INT_MAX || cols > INT_MAX) {
    throw InvalidArgument(std::string(function) + ": " + shape(name, rows, cols) +
                          ": each dimension must be <= " + std::to_string(INT_MAX));
  }
}

bool overlap(const double* a, Eigen::Index a_size, const double* b, Eigen::Index b_size) {
  if (a_size == 0 || b_size == 0) return false;
  // std::less gives a total order even for unrelated pointers.
  const std::less<const double*> before;
  return before(a, b + b_size) && before(b, a + a_size);
}

// The memory a matrix spans, from its first to its last element.
Eigen::Index span_of(const ConstMatrixRef& m) {
  return m.size() == 0 ? 0 : (m.cols() - 1) * m.outerStride() + m.rows();
}

void check_product(const char* function, const ConstMatrixRef& a, const ConstMatrixRef& b, const MatrixRef& c,
                   int threads) {
  check_threads(threads, function);
  if (a.cols() != b.rows() || c.rows() != a.rows() || c.cols() != b.cols()) {
    throw InvalidArgument(std::string(function) + ": " + shape("A", a.rows(), a.cols()) + ", " +
                          shape("B", b.rows(), b.cols()) + ", " + shape("C", c.rows(), c.cols()) +
                          ": need A m x k, B k x n, C m x n");
  }
  check_size(function, "A", a.rows(), a.cols());
  check_size(function, "B", b.rows(), b.cols());
  const Eigen::Index c_span = span_of(c);
  if (overlap(c.data(), c_span, a.data(), span_of(a)) || overlap(c.data(), c_span, b.data(), span_of(b))) {
    throw InvalidArgument(std::string(function) + ": C shares memory with A or B; the product needs a "
                                                   "separate output");
  }
}

void check_solve(const char* function, const ConstMatrixRef& a, const ConstMatrixRef& b, int threads) {
  check_threads(threads, function);
  if (a.rows() != a.cols() || b.rows() != a.rows()) {
    throw InvalidArgument(std::string(function) + ": " + shape("A", a.rows(), a.cols()) + ", " +
                          shape("B", b.rows(), b.cols()) + ": need A n x n and B n x k");
  }
  check_size(function, "A", a.rows(), a.cols());
  check_size(function, "B", b.rows(), b.cols());
}

void gemm(double alpha, const ConstMatrixRef& a, const ConstMatrixRef& b, double beta, MatrixRef c, int threads) {
  if (c.size() == 0) return;
  if (a.cols() == 0) {
    // An empty sum: BLAS would be handed a zero leading dimension.
    if (beta == 0.0) c.setZero();
    return;
  }
  detail::configured_ops().gemm(alpha, a, b, beta, c, threads);
}

std::string breakdown(const char* what, int step) {
  return step > 0 ? std::string(what) + " at step " + std::to_string(step) : std::string(what);
}

}  // namespace

Backend backend() noexcept { return detail::configured_ops().backend; }

const char* backend_name() noexcept { return detail::configured_ops().name; }

void multiply(const ConstMatrixRef& a, const ConstMatrixRef& b, MatrixRef c, int threads) {
  check_product("dense::multiply", a, b, c, threads);
  gemm(1.0, a, b, 0.0, c, threads);
}

void multiply_add(double alpha, const ConstMatrixRef& a, const ConstMatrixRef& b, MatrixRef c, int threads) {
  check_product("dense::multiply_add", a, b, c, threads);
  gemm(alpha, a, b, 1.0, c, threads);
}

Eigen::MatrixXd product(const ConstMatrixRef& a, const ConstMatrixRef& b, int threads) {
  Eigen::MatrixXd c(a.rows(), b.cols());
  check_product("dense::product", a, b, c, threads);
  gemm(1.0, a, b, 0.0, c, threads);
  return c;
}

Eigen::MatrixXd solve_lu(const ConstMatrixRef& a, const ConstMatrixRef& b, int threads) {
  check_solve("dense::solve_lu", a, b, threads);
  Eigen::MatrixXd factors = a;
  Eigen::MatrixXd x = b;
  if (a.rows() == 0 || b.cols() == 0) return x;
  const int step = detail::configured_ops().lu_solve(factors, x, threads);
  if (step != 0) {
    throw Error("dense::solve_lu: the " + std::to_string(a.rows()) + " x " + std::to_string(a.rows()) +
                " matrix is singular: " + breakdown("zero pivot", step));
  }
  return x;
}

Eigen::MatrixXd solve_cholesky(const ConstMatrixRef& a, const ConstMatrixRef& b, int threads) {
  check_solve("dense::solve_cholesky", a, b, threads);
  Eigen::MatrixXd factors = a;
  Eigen::MatrixXd x = b;
  if (a.rows() == 0 || b.cols() == 0) return x;
  const int step = detail::configured_ops().cholesky_solve(factors, x, threads);
  if (step != 0) {
    throw Error("dense::solve_cholesky: the " + std::to_string(a.rows()) + " x " +
                std::to_string(a.rows()) + " matrix is not positive definite: " +
                breakdown("non-positive leading minor", step));
  }
  return x;
}

namespace detail {

const BackendOps& configured_ops() {
  const BackendOps* openblas = openblas_ops();
  return openblas != nullptr ? *openblas : eigen_ops();
}

}  // namespace detail

}  // namespace partita::kernels::dense

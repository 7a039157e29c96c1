// The two implementations behind partita::kernels::dense. The public
// functions check shapes, sizes and aliasing, then call one of these (the
// configured one); the tests call both. Each runs on at most `threads`
// threads. Sizes are non-zero and fit in a BLAS int.
#pragma once

#include "partita/kernels/dense.hpp"

namespace partita::kernels::dense::detail {

/// C = alpha A B + beta C.
using GemmFn = void (*)(double alpha, const ConstMatrixRef& a, const ConstMatrixRef& b, double beta, MatrixRef c,
                        int threads);
/// Factorises `a` in place and overwrites `b` with the solution X of A X = B.
/// Returns 0, or k >= 1 when the factorisation broke down at step k (a zero
/// LU pivot; a non-positive Cholesky leading minor of order k), or -1 when it
/// broke down at a step the backend does not name.
using SolveFn = int (*)(Eigen::MatrixXd& a, Eigen::MatrixXd& b, int threads);

struct BackendOps {
  Backend backend;
  const char* name;
  GemmFn gemm;
  SolveFn lu_solve;
  SolveFn cholesky_solve;
};

/// Eigen's products and factorisations: always built.
const BackendOps& eigen_ops();
/// OpenBLAS (BLAS dgemm, LAPACK dgetrf/dgetrs, dpotrf/dpotrs); nullptr when
/// Partita was configured without it.
const BackendOps* openblas_ops();
/// The configured backend: OpenBLAS when built, else Eigen.
const BackendOps& configured_ops();

}  // namespace partita::kernels::dense::detail
